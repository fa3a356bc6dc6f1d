//! The wasm API, run natively, under Node and in headless Chromium
//! (`make test-wasm`). On wasm32 it goes through the exported JS functions;
//! natively through the same Rust entry points.

#[path = "common/hostile_inputs.rs"]
mod hostile_inputs;

use serde_json::{Value, json};
use wasm_bindgen_test::wasm_bindgen_test;

/// Calls an exported wasm function the way JavaScript does (options as a JS
/// object, result read back as JSON, errors as their message).
#[cfg(target_arch = "wasm32")]
fn call<R: Into<wasm_bindgen::JsValue>>(
    f: fn(
        kubeharden::wasm::Source,
        Option<kubeharden::wasm::CheckOptions>,
    ) -> Result<R, wasm_bindgen::JsValue>,
    source: &str,
    options: Value,
) -> Result<Value, String> {
    use wasm_bindgen::JsCast;
    let opts = js_sys::JSON::parse(&options.to_string()).unwrap();
    let opts = if options.is_null() {
        None
    } else {
        Some(opts.unchecked_into())
    };
    match f(
        wasm_bindgen::JsValue::from_str(source).unchecked_into(),
        opts,
    ) {
        Ok(result) => {
            let text: String = js_sys::JSON::stringify(&result.into()).unwrap().into();
            Ok(serde_json::from_str(&text).unwrap())
        }
        Err(e) => Err(e.unchecked_into::<js_sys::Error>().message().into()),
    }
}

#[cfg(target_arch = "wasm32")]
fn run(source: &str, options: Value) -> Result<Value, String> {
    call(kubeharden::wasm::check, source, options)
}

#[cfg(target_arch = "wasm32")]
fn run_fix(source: &str, options: Value) -> Result<Value, String> {
    call(kubeharden::wasm::fix_all, source, options)
}

/// The same options parsing as the wasm API, natively.
#[cfg(not(target_arch = "wasm32"))]
fn options_of(options: Value) -> Result<kubeharden::Options, String> {
    let raw: kubeharden::RawOptions = if options.is_null() {
        Default::default()
    } else {
        serde_json::from_value(options).map_err(|e| format!("kubeharden: invalid options: {e}"))?
    };
    raw.validate(kubeharden::rules::known)
        .map_err(|e| format!("kubeharden: invalid options: {e}"))
}

#[cfg(not(target_arch = "wasm32"))]
fn run(source: &str, options: Value) -> Result<Value, String> {
    let options = options_of(options)?;
    Ok(serde_json::to_value(kubeharden::check(source, &options)).unwrap())
}

#[cfg(not(target_arch = "wasm32"))]
fn run_fix(source: &str, options: Value) -> Result<Value, String> {
    let options = options_of(options)?;
    Ok(serde_json::to_value(kubeharden::fix_all(source, &options)).unwrap())
}

const MULTI: &str = include_str!("fixtures/core/multi.yaml");

#[wasm_bindgen_test(unsupported = test)]
fn exact_ranges_through_the_api() {
    let result = run(MULTI, Value::Null).unwrap();
    let diags = result["diagnostics"].as_array().unwrap();
    let privileged: Vec<&Value> = diags.iter().filter(|d| d["rule"] == "privileged").collect();
    assert_eq!(privileged.len(), 2);
    assert_eq!(
        privileged[1]["range"],
        json!({"start": {"line": 32, "character": 24}, "end": {"line": 32, "character": 40}})
    );
    assert_eq!(
        privileged[1]["resource"],
        json!({"apiVersion": "v1", "kind": "Pod", "name": "listed", "namespace": null})
    );
    assert_eq!(
        privileged[1]["path"],
        "items[0].spec.containers[0].securityContext.privileged"
    );
    assert!(
        diags
            .iter()
            .any(|d| d["rule"] == "yaml-syntax" && d["resource"].is_null())
    );
    assert_eq!(result["resources"].as_array().unwrap().len(), 2);
}

#[wasm_bindgen_test(unsupported = test)]
fn profiles_and_switches() {
    let baseline = run(MULTI, json!({"profile": "baseline"})).unwrap();
    assert!(
        baseline["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["rule"] != "run-as-non-root")
    );
    let off = run(MULTI, json!({"disable": ["privileged"]})).unwrap();
    assert!(
        off["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["rule"] != "privileged")
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn invalid_options_throw_clear_errors() {
    let e = run("a: 1", json!({"profile": "paranoid"})).unwrap_err();
    assert!(e.contains("unknown profile"), "{e}");
    let e = run("a: 1", json!({"disable": ["no-such-rule"]})).unwrap_err();
    assert!(e.contains("unknown rule id"), "{e}");
    let e = run("a: 1", json!({"pssVersion": "2"})).unwrap_err();
    assert!(e.contains("Pod Security Standards version"), "{e}");
    let e = run("a: 1", json!({"colour": "red"})).unwrap_err();
    assert!(e.contains("unknown field"), "{e}");
}

#[wasm_bindgen_test(unsupported = test)]
fn never_throws_on_any_source() {
    let deep = "[".repeat(20_000);
    for source in [
        "",
        "\u{feff}",
        "{{ .Values.x }}",
        "a: [",
        &deep,
        "apiVersion: v1\nkind: Pod\nspec: {containers: 1}",
    ] {
        run(source, Value::Null).unwrap();
    }
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test]
fn rules_and_version() {
    let rules: String = js_sys::JSON::stringify(&kubeharden::wasm::rules())
        .unwrap()
        .into();
    let rules: Value = serde_json::from_str(&rules).unwrap();
    let ids: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"privileged") && ids.contains(&"yaml-syntax"));
    assert_eq!(kubeharden::wasm::version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test(unsupported = test)]
fn fix_all_through_the_api() {
    let source = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: é😀\nspec:\n  containers:\n  - name: a\n    image: k8s.gcr.io/pause:3.9\n";
    let result = run_fix(source, Value::Null).unwrap();
    let text = result["text"].as_str().unwrap();
    assert_eq!(text.matches("securityContext:").count(), 1, "{text}");
    assert!(
        text.contains("      allowPrivilegeEscalation: false\n"),
        "{text}"
    );
    assert!(text.contains("image: registry.k8s.io/pause:3.9"), "{text}");
    let applied: Vec<&str> = result["applied"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["rule"].as_str().unwrap())
        .collect();
    assert_eq!(applied.len(), 3, "{applied:?}");
    assert_eq!(result["passes"], 2);
    let skipped = result["skipped"].as_array().unwrap();
    assert!(
        skipped
            .iter()
            .any(|s| s["rule"] == "run-as-non-root" && s["reason"] == "unsafe")
    );
    let diags = result["diagnostics"].as_array().unwrap();
    assert!(
        diags
            .iter()
            .all(|d| d["rule"] != "allow-privilege-escalation")
    );
    // Options choose the fixes; invalid ones throw like check's.
    let off = run_fix(source, json!({"disable": ["deprecated-registry"]})).unwrap();
    assert!(off["text"].as_str().unwrap().contains("k8s.gcr.io"));
    let e = run_fix(source, json!({"profile": "paranoid"})).unwrap_err();
    assert!(e.contains("unknown profile"), "{e}");
    // Never throws on any source text.
    let deep = "[".repeat(20_000);
    for s in ["", "\u{feff}", "{{ .Values.x }}", "a: [", &deep, "\r\n"] {
        let r = run_fix(s, Value::Null).unwrap();
        assert_eq!(r["text"], s);
    }
}

/// Inputs that once overflowed the stack (values that contain themselves
/// through merges and aliases), cost exponential time (merges of merges) or
/// panicked (a key placed past the end of the text after a directive with
/// non-ASCII text: a trap in wasm).
fn hostile_inputs() -> Vec<String> {
    let mut inputs: Vec<String> = [
        "a: &a\n  b: 1\n  <<: *a\n",
        "a: &a\n  b: 1\n  <<: [*a]\n",
        "x:\n- &a\n  b: 1\n  <<: *a\n",
        "a: &a\n  b: 1\n  c: &b\n    <<: *a\n  <<: *b\n",
        "{a: &a {b: 1, <<: *a}}",
        "a: &a [1, *a]\n",
        "apiVersion: v1\nkind: Pod\nmetadata: &m\n  name: p\n  <<: *m\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext: &s\n      <<: [*s]\n",
        "%ééé\n---\n:\n",
    ]
    .map(String::from)
    .to_vec();
    inputs.extend(hostile_inputs::merge_bombs());
    inputs.extend(["[".repeat(20_000), "{a: ".repeat(5_000)]);
    inputs
}

/// The module stays usable after hostile input: a trap would leave it
/// broken for every later call.
fn still_usable() {
    let result = run(MULTI, Value::Null).unwrap();
    let privileged = result["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "privileged")
        .count();
    assert_eq!(privileged, 2);
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: nginx:1.27\n";
    let fixed = run_fix(pod, Value::Null).unwrap();
    assert!(!fixed["applied"].as_array().unwrap().is_empty(), "{fixed}");
}

#[wasm_bindgen_test(unsupported = test)]
fn hostile_inputs_leave_the_module_usable() {
    for source in hostile_inputs() {
        let report = run(&source, Value::Null).unwrap();
        let rules: Vec<&str> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap())
            .collect();
        assert!(
            rules.contains(&"yaml-syntax") || rules.contains(&"input-limit") || rules.is_empty(),
            "{source}: {rules:?}"
        );
        run_fix(&source, Value::Null).unwrap();
        still_usable();
    }
}

/// Non-string sources throw a `TypeError` (not a trap) and the module keeps
/// working.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test]
fn non_string_sources_throw_type_errors() {
    use wasm_bindgen::{JsCast, JsValue};
    let object: JsValue = js_sys::Object::new().into();
    for value in [JsValue::from(42), object, JsValue::NULL, JsValue::UNDEFINED] {
        let e = kubeharden::wasm::check(value.clone().unchecked_into(), None)
            .err()
            .expect("a TypeError");
        assert!(e.is_instance_of::<js_sys::TypeError>(), "{e:?}");
        let e = kubeharden::wasm::fix_all(value.unchecked_into(), None)
            .err()
            .expect("a TypeError");
        assert!(e.is_instance_of::<js_sys::TypeError>(), "{e:?}");
        let message: String = e.unchecked_into::<js_sys::Error>().message().into();
        assert!(message.contains("must be a string"), "{message}");
        still_usable();
    }
}
