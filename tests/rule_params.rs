//! Rule parameters (`RuleMeta::params`) are asked for everywhere a rule can
//! be switched on: each is an editor setting the VS Code extension declares
//! and sends, and the language server applies it from the client's settings.

use kubeharden::lsp::Server;
use serde_json::{Value, json};

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

#[test]
fn every_rule_parameter_is_an_editor_setting_the_server_applies() {
    let manifest: Value = serde_json::from_str(&read("editors/vscode/package.json")).unwrap();
    let properties = &manifest["contributes"]["configuration"]["properties"];
    let client = read("editors/vscode/src/client.js");
    let mut seen = 0;
    for rule in kubeharden::rules::registry() {
        for p in rule.meta.params {
            seen += 1;
            let setting = &properties[format!("kubeharden.{}", p.parameter.option())];
            assert_eq!(
                setting["type"],
                "array",
                "VS Code setting kubeharden.{}",
                p.parameter.option()
            );
            // The client sends every setting package.json declares, under its name there.
            assert!(
                client.contains("manifest.contributes.configuration.properties")
                    && client.contains("c.get(k)"),
                "editors/vscode/src/client.js no longer sends the manifest's settings ({})",
                p.parameter.option()
            );

            // The server, given the parameter in initializationOptions,
            // reports the rule's bad example.
            let mut server = Server::new();
            let uri = "file:///w/bad.yaml";
            server.handle(
                &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                    "capabilities": {},
                    "initializationOptions": {"kubeharden": {"profile": "baseline", p.parameter.option(): p.example}},
                }})
                .to_string(),
            );
            server.handle(
                &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}).to_string(),
            );
            server.handle(
                &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
                    "uri": uri, "languageId": "yaml", "version": 1, "text": rule.meta.bad_example,
                }}})
                .to_string(),
            );
            let published: Vec<Value> = server
                .flush()
                .iter()
                .map(|m| serde_json::from_str(m).unwrap())
                .collect();
            let codes: Vec<&Value> = published
                .iter()
                .filter(|m| m["params"]["uri"] == uri)
                .flat_map(|m| m["params"]["diagnostics"].as_array().unwrap())
                .map(|d| &d["code"])
                .collect();
            assert!(
                codes.iter().any(|c| *c == rule.meta.id),
                "{}: {codes:?}",
                rule.meta.id
            );
        }
    }
    assert!(seen > 0);
}
