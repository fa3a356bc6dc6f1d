"""`.kubeharden.yaml` in the language server (the nearest config applies,
client settings fill what it leaves unset, reload, its problems on the file
itself), exceptions, hover's effective value, and workspace pull
diagnostics: the same suite for every host."""

import pathlib

import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import server_command
from test_protocol import (
    DEPLOY,
    by_rule,
    diagnostics,
    frame,
    open_doc,
    read_message,
    read_response,
    uri,
)

import subprocess

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsNonRoot: false
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
"""

# One Deployment per folder: a/ has a config, b/ has none, a/vendor/ is
# excluded by a/'s config.
A_CONFIG = """\
profile: baseline
exclude: ["vendor/**"]
"""


@pytest_lsp.fixture(config=ClientServerConfig(server_command=server_command()))
async def client(lsp_client: LanguageClient, tmp_path: pathlib.Path):
    for d in ["a", "a/vendor", "b"]:
        (tmp_path / d).mkdir(parents=True, exist_ok=True)
    (tmp_path / "a" / ".kubeharden.yaml").write_text(A_CONFIG)
    (tmp_path / "a" / "deploy.yaml").write_text(DEPLOY)
    (tmp_path / "a" / "vendor" / "deploy.yaml").write_text(DEPLOY)
    (tmp_path / "b" / "deploy.yaml").write_text(DEPLOY)
    (tmp_path / "pod.yaml").write_text(POD)
    lsp_client.workspace_root = tmp_path
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=t.ClientCapabilities(),
            root_uri=tmp_path.as_uri(),
            # Under a/'s profile: the file wins. b/ has no config: this applies.
            initialization_options={"profile": "restricted", "disable": ["run-as-user"]},
        )
    )
    yield
    await lsp_client.shutdown_session()


def codes(ds):
    return {d.code for d in ds}


async def test_nearest_config_applies_and_client_settings_fill_in(client):
    a = await diagnostics(client, "a/deploy.yaml", lambda ds: by_rule(ds, "privileged"))
    b = await diagnostics(client, "b/deploy.yaml", lambda ds: by_rule(ds, "privileged"))
    # a/: the config's baseline (restricted rules off); b/: the client's restricted.
    assert "run-as-non-root" not in codes(a)
    assert "run-as-non-root" in codes(b)
    # The client's disable applies where the file says nothing about it.
    assert "run-as-user" not in codes(b)
    # a/vendor/ is excluded by a/'s config: nothing published.
    assert not client.diagnostics.get(uri(client, "a/vendor/deploy.yaml"))


async def test_config_problems_are_published_on_the_config_and_files_fall_back(client):
    await diagnostics(client, "a/deploy.yaml", lambda ds: by_rule(ds, "privileged"))
    text = "profile: baseline\nprofle: restricted\nexclude: [\"vendor/**\"]\n"
    open_doc(client, "a/.kubeharden.yaml", text)
    ds = await diagnostics(client, "a/.kubeharden.yaml", lambda ds: by_rule(ds, "config-invalid"))
    [d] = by_rule(ds, "config-invalid")
    assert d.range == t.Range(t.Position(1, 0), t.Position(1, 6))
    assert 'did you mean "profile"' in d.message
    # The valid part still applies: baseline, vendor/ excluded.
    a = client.diagnostics[uri(client, "a/deploy.yaml")]
    assert "run-as-non-root" not in codes(a)
    # Editing the open config reloads it: the problem goes, restricted applies.
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(version=2, uri=uri(client, "a/.kubeharden.yaml")),
            [t.TextDocumentContentChangeWholeDocument(text="profile: restricted\n")],
        )
    )
    await diagnostics(client, "a/.kubeharden.yaml", lambda ds: not ds)
    await diagnostics(client, "a/deploy.yaml", lambda ds: by_rule(ds, "run-as-non-root"))
    # Without the exclude, a/vendor/ is checked now.
    await diagnostics(client, "a/vendor/deploy.yaml", lambda ds: by_rule(ds, "privileged"))


async def test_config_saved_on_disk_is_reloaded(client):
    await diagnostics(client, "b/deploy.yaml", lambda ds: by_rule(ds, "run-as-non-root"))
    (client.workspace_root / "b" / ".kubeharden.yaml").write_text("disable: [privileged]\n")
    client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(
            [t.FileEvent(uri(client, "b/.kubeharden.yaml"), t.FileChangeType.Created)]
        )
    )
    ds = await diagnostics(client, "b/deploy.yaml", lambda ds: not by_rule(ds, "privileged"))
    # The client's restricted still fills in the profile the file leaves unset.
    assert by_rule(ds, "run-as-non-root")


async def test_exceptions_hide_findings_and_hover_says_why(client):
    text = DEPLOY.replace(
        "  name: web\n",
        "  name: web\n  annotations:\n    kubeharden.dev/ignore: \"privileged: the node agent needs it\"\n",
        1,
    )
    open_doc(client, "b/deploy.yaml", text)
    ds = await diagnostics(
        client, "b/deploy.yaml", lambda ds: ds and not by_rule(ds, "privileged")
    )
    line = text.split("\n").index("            privileged: true")
    hover = await client.text_document_hover_async(
        t.HoverParams(t.TextDocumentIdentifier(uri(client, "b/deploy.yaml")), t.Position(line, 20))
    )
    assert "Accepted" in hover.contents.value
    assert "the node agent needs it" in hover.contents.value
    # A config exemption that matches nothing is reported on the config.
    open_doc(
        client,
        "a/.kubeharden.yaml",
        A_CONFIG + "exemptions:\n  - rules: [privileged]\n    name: nothing-has-this-name\n    reason: legacy\n",
    )
    cds = await diagnostics(client, "a/.kubeharden.yaml", lambda ds: len(ds) > 0)
    assert all(d.range.start.line >= 2 for d in cds), cds


async def test_hover_shows_the_effective_value_and_its_origin(client):
    client.workspace_did_change_configuration(
        t.DidChangeConfigurationParams(settings={"kubeharden": {"profile": "hardened"}})
    )
    await diagnostics(
        client, "pod.yaml", lambda ds: by_rule(ds, "automount-service-account-token")
    )

    async def hover(line, character):
        h = await client.text_document_hover_async(
            t.HoverParams(t.TextDocumentIdentifier(uri(client, "pod.yaml")), t.Position(line, character))
        )
        return h.contents.value

    # Container field.
    text = await hover(11, 10)
    assert "**Effective value:** `privileged` is `true`" in text
    assert 'set on container "app"' in text
    # Pod-level field.
    text = await hover(6, 6)
    assert "`runAsNonRoot` is `false`" in text and "inherited from the pod" in text
    # Kubernetes defaults: token automount (no ServiceAccount in the
    # workspace), capabilities.
    ds = client.diagnostics[uri(client, "pod.yaml")]
    [auto] = by_rule(ds, "automount-service-account-token")
    text = await hover(auto.range.start.line, auto.range.start.character)
    assert "`automountServiceAccountToken` is `true`" in text and "default" in text
    [cap] = by_rule(ds, "capabilities-restricted")
    text = await hover(cap.range.start.line, cap.range.start.character)
    assert "`capabilities` is `add: none; drop: none`" in text
    # Where the settings come from.
    assert "no .kubeharden.yaml above this file" in text


def test_workspace_pull_diagnostics_with_result_ids(tmp_path):
    (tmp_path / "deploy.yaml").write_text(DEPLOY)
    (tmp_path / ".kubeharden.yaml").write_text("profle: baseline\n")
    proc = subprocess.Popen(server_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        send = lambda data: (proc.stdin.write(data), proc.stdin.flush())
        send(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "rootUri": tmp_path.as_uri(),
            "capabilities": {"textDocument": {"diagnostic": {}},
                             "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}}}}))
        caps = read_response(proc.stdout, 1)["result"]["capabilities"]
        assert caps["diagnosticProvider"]["workspaceDiagnostics"] is True
        send(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        reg = read_message(proc.stdout)
        assert reg["method"] == "client/registerCapability"
        globs = [w["globPattern"] for w in reg["params"]["registrations"][0]["registerOptions"]["watchers"]]
        assert "**/.kubeharden.yaml" in globs
        send(frame({"jsonrpc": "2.0", "id": reg["id"], "result": None}))
        send(frame({"jsonrpc": "2.0", "id": 2, "method": "workspace/diagnostic",
                    "params": {"previousResultIds": []}}))
        items = {i["uri"]: i for i in read_response(proc.stdout, 2)["result"]["items"]}
        deploy, config = (tmp_path / "deploy.yaml").as_uri(), (tmp_path / ".kubeharden.yaml").as_uri()
        assert items[deploy]["kind"] == "full"
        assert any(d["code"] == "privileged" for d in items[deploy]["items"])
        assert [d["code"] for d in items[config]["items"]] == ["config-invalid"]
        previous = [{"uri": u, "value": i["resultId"]} for u, i in items.items()]
        send(frame({"jsonrpc": "2.0", "id": 3, "method": "workspace/diagnostic",
                    "params": {"previousResultIds": previous}}))
        again = read_response(proc.stdout, 3)["result"]["items"]
        assert {i["kind"] for i in again} == {"unchanged"}
        # A change to one file: only that one comes back in full.
        send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": deploy, "languageId": "yaml", "version": 1,
            "text": DEPLOY.replace("privileged: true", "privileged: false")}}}))
        send(frame({"jsonrpc": "2.0", "id": 4, "method": "workspace/diagnostic",
                    "params": {"previousResultIds": previous}}))
        third = {i["uri"]: i for i in read_response(proc.stdout, 4)["result"]["items"]}
        assert third[deploy]["kind"] == "full" and third[deploy]["version"] == 1
        assert not any(d["code"] == "privileged" for d in third[deploy]["items"])
        assert third[config]["kind"] == "unchanged"
    finally:
        proc.kill()
