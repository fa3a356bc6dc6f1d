"""End-to-end protocol tests of `kubeharden lsp` with a real LSP client
(pytest-lsp / pygls): the same suite runs against every host."""

import asyncio
import json
import pathlib
import subprocess

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import server_command

DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: app
      containers:
        - name: web
          image: nginx:1.27
          securityContext:
            privileged: true
"""

SERVICE_ACCOUNT = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
automountServiceAccountToken: false
"""

WORKFLOW = """\
name: ci
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
"""


@pytest_lsp.fixture(config=ClientServerConfig(server_command=server_command()))
async def client(lsp_client: LanguageClient, tmp_path: pathlib.Path):
    (tmp_path / "deploy.yaml").write_text(DEPLOY)
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "ci.yaml").write_text(WORKFLOW)
    lsp_client.workspace_root = tmp_path
    await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=t.ClientCapabilities(),
            root_uri=tmp_path.as_uri(),
            initialization_options={"profile": "hardened"},
        )
    )
    yield
    await lsp_client.shutdown_session()


def uri(client, name):
    return (client.workspace_root / name).as_uri()


async def diagnostics(client, name, predicate=lambda ds: True, timeout=10.0):
    """The latest diagnostics published for a file, once they satisfy
    `predicate` (the server debounces: they arrive a little later)."""
    key = uri(client, name)
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        ds = client.diagnostics.get(key)
        if ds is not None and predicate(ds):
            return ds
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no matching diagnostics for {name}: {ds}")
        await asyncio.sleep(0.02)


def by_rule(ds, rule):
    return [d for d in ds if d.code == rule]


def rng(sl, sc, el, ec):
    return t.Range(t.Position(sl, sc), t.Position(el, ec))


def open_doc(client, name, text, version=1):
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            t.TextDocumentItem(uri(client, name), "yaml", version, text)
        )
    )


def change(client, name, version, range_, text):
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(version=version, uri=uri(client, name)),
            [t.TextDocumentContentChangePartial(range=range_, text=text)],
        )
    )


def apply(text, edits):
    """Applies LSP text edits (UTF-16 columns) to a text."""
    lines = text.split("\n")

    def offset(p):
        line = lines[p.line] if p.line < len(lines) else ""
        before = sum(len(l) + 1 for l in lines[: p.line])
        units = line.encode("utf-16-le")[: p.character * 2].decode("utf-16-le")
        return before + len(units)

    for e in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


async def test_workspace_files_get_diagnostics_without_opening(client):
    ds = await diagnostics(client, "deploy.yaml", lambda ds: by_rule(ds, "privileged"))
    [p] = by_rule(ds, "privileged")
    assert p.range == rng(16, 12, 16, 28)
    assert p.severity == t.DiagnosticSeverity.Error
    assert p.source == "kubeharden"
    assert p.code_description.href.endswith("rules.html#privileged")
    # A CI workflow is not a Kubernetes manifest: nothing is published for it.
    await asyncio.sleep(0.3)
    assert uri(client, ".github/ci.yaml") not in client.diagnostics


async def test_change_with_multibyte_text_keeps_utf16_ranges(client):
    open_doc(client, "deploy.yaml", DEPLOY)
    await diagnostics(client, "deploy.yaml", lambda ds: by_rule(ds, "privileged"))
    # "- name: web" -> "- name: wéb😀" on line 13: é is one UTF-16 unit, 😀 two.
    change(client, "deploy.yaml", 2, rng(13, 16, 13, 19), "wéb😀")
    ds = await diagnostics(
        client,
        "deploy.yaml",
        lambda ds: any(d.range.end == t.Position(13, 21) for d in by_rule(ds, "resource-limits")),
    )
    [limits] = by_rule(ds, "resource-limits")
    assert limits.range == rng(13, 10, 13, 21)
    # A later edit on the same line after the emoji lands where the client meant.
    change(client, "deploy.yaml", 3, rng(16, 24, 16, 28), "false")
    ds = await diagnostics(client, "deploy.yaml", lambda ds: not by_rule(ds, "privileged"))
    assert by_rule(ds, "resource-limits")[0].range == rng(13, 10, 13, 21)


async def test_quick_fix_applies(client):
    open_doc(client, "deploy.yaml", DEPLOY)
    ds = await diagnostics(client, "deploy.yaml", lambda ds: by_rule(ds, "privileged"))
    [p] = by_rule(ds, "privileged")
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(
            t.TextDocumentIdentifier(uri(client, "deploy.yaml")),
            p.range,
            t.CodeActionContext(diagnostics=[p], only=[t.CodeActionKind.QuickFix]),
        )
    )
    fix = next(a for a in actions if a.title.startswith("Set privileged to false"))
    assert fix.kind == t.CodeActionKind.QuickFix
    assert fix.is_preferred is False  # unsafe: review before applying
    assert fix.diagnostics[0].code == "privileged"
    safe = [a for a in actions if a.is_preferred]
    assert all("seccomp" in a.title.lower() for a in safe), [a.title for a in safe]
    ignore = next(a for a in actions if a.title == "Ignore privileged with a reason")
    assert ignore.is_preferred is False
    ignored = apply(DEPLOY, ignore.edit.changes[uri(client, "deploy.yaml")])
    assert "kubeharden.dev/ignore" in ignored and "privileged" in ignored.split("spec:")[0], ignored
    edits = fix.edit.changes[uri(client, "deploy.yaml")]
    fixed = apply(DEPLOY, edits)
    assert "privileged: false" in fixed
    change(client, "deploy.yaml", 2, rng(0, 0, 17, 0), fixed)
    await diagnostics(client, "deploy.yaml", lambda ds: not by_rule(ds, "privileged"))


async def test_fix_all_safe(client):
    open_doc(client, "deploy.yaml", DEPLOY)
    await diagnostics(client, "deploy.yaml", lambda ds: by_rule(ds, "seccomp-profile-restricted"))
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(
            t.TextDocumentIdentifier(uri(client, "deploy.yaml")),
            rng(0, 0, 0, 0),
            t.CodeActionContext(diagnostics=[], only=[t.CodeActionKind.SourceFixAll]),
        )
    )
    [fix_all] = actions
    assert fix_all.kind == "source.fixAll.kubeharden"
    assert fix_all.title.startswith("Fix all safe (")
    [edit] = fix_all.edit.changes[uri(client, "deploy.yaml")]
    assert edit.range == rng(0, 0, 17, 0)
    fixed = apply(DEPLOY, [edit])
    assert "type: RuntimeDefault" in fixed
    assert "privileged: true" in fixed, "unsafe fixes are not applied"
    change(client, "deploy.yaml", 2, edit.range, edit.new_text)
    ds = await diagnostics(
        client, "deploy.yaml", lambda ds: not by_rule(ds, "seccomp-profile-restricted")
    )
    assert by_rule(ds, "privileged")


async def test_hover_explains_the_finding(client):
    await diagnostics(client, "deploy.yaml", lambda ds: by_rule(ds, "privileged"))
    hover = await client.text_document_hover_async(
        t.HoverParams(t.TextDocumentIdentifier(uri(client, "deploy.yaml")), t.Position(16, 20))
    )
    text = hover.contents.value
    assert hover.contents.kind == t.MarkupKind.Markdown
    assert "`privileged`" in text
    assert "Why it matters" in text and "How to fix" in text
    assert "spec.template.spec.containers[0].securityContext.privileged" in text
    assert hover.range == rng(16, 12, 16, 28)
    nothing = await client.text_document_hover_async(
        t.HoverParams(t.TextDocumentIdentifier(uri(client, "deploy.yaml")), t.Position(0, 0))
    )
    assert nothing is None


async def test_configuration_change_rechecks(client):
    await diagnostics(client, "deploy.yaml", lambda ds: by_rule(ds, "resource-limits"))
    client.workspace_did_change_configuration(
        t.DidChangeConfigurationParams(
            settings={"kubeharden": {"profile": "baseline", "docsBaseUrl": "https://example.test/k"}}
        )
    )
    ds = await diagnostics(client, "deploy.yaml", lambda ds: not by_rule(ds, "resource-limits"))
    [p] = by_rule(ds, "privileged")
    assert p.code_description.href == "https://example.test/k/rules.html#privileged"
    client.workspace_did_change_configuration(
        t.DidChangeConfigurationParams(settings={"kubeharden": {"disable": ["privileged"]}})
    )
    await diagnostics(client, "deploy.yaml", lambda ds: not by_rule(ds, "privileged"))
    # A bad setting is reported and the previous settings stay.
    client.workspace_did_change_configuration(
        t.DidChangeConfigurationParams(settings={"kubeharden": {"profile": "paranoid"}})
    )
    await client.wait_for_notification("window/showMessage")
    assert "paranoid" in client.messages[-1].message


async def test_second_file_changes_first_files_findings(client):
    open_doc(client, "deploy.yaml", DEPLOY)
    await diagnostics(
        client, "deploy.yaml", lambda ds: by_rule(ds, "automount-service-account-token")
    )
    # An unsaved ServiceAccount that turns off token automounting clears the
    # Deployment's finding in the other file.
    open_doc(client, "sa.yaml", SERVICE_ACCOUNT)
    await diagnostics(
        client, "deploy.yaml", lambda ds: not by_rule(ds, "automount-service-account-token")
    )
    change(client, "sa.yaml", 2, rng(4, 30, 4, 35), "true")
    ds = await diagnostics(
        client, "deploy.yaml", lambda ds: by_rule(ds, "automount-service-account-token")
    )
    # The finding points at the ServiceAccount in the other file.
    [finding] = by_rule(ds, "automount-service-account-token")
    [related] = finding.related_information
    assert related.location.uri == uri(client, "sa.yaml")
    assert related.location.range == rng(3, 2, 3, 11), related
    assert "ServiceAccount \"app\"" in related.message


async def test_file_saved_by_another_program_is_reread(client):
    await diagnostics(client, "deploy.yaml", lambda ds: by_rule(ds, "privileged"))
    path = client.workspace_root / "deploy.yaml"
    path.write_text(DEPLOY.replace("privileged: true", "privileged: false"))
    client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(
            [t.FileEvent(uri(client, "deploy.yaml"), t.FileChangeType.Changed)]
        )
    )
    await diagnostics(client, "deploy.yaml", lambda ds: not by_rule(ds, "privileged"))


# Raw framing: what a real client library would refuse to send.


def frame(obj):
    body = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_message(stream):
    length = None
    while True:
        line = stream.readline()
        assert line, "server closed its output"
        line = line.strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    return json.loads(stream.read(length))


def read_response(stream, id_):
    while True:
        m = read_message(stream)
        if "method" not in m and m.get("id") == id_:
            return m


def test_malformed_messages_get_errors_and_the_server_lives(tmp_path):
    proc = subprocess.Popen(
        server_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        send = lambda data: (proc.stdin.write(data), proc.stdin.flush())
        send(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                    "params": {"capabilities": {}, "rootUri": tmp_path.as_uri()}}))
        assert "capabilities" in read_response(proc.stdout, 1)["result"]
        send(frame(b"{this is not json"))
        assert read_response(proc.stdout, None)["error"]["code"] == -32700
        send(frame(b"[1, 2]"))
        assert read_response(proc.stdout, None)["error"]["code"] == -32600
        send(frame({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover",
                    "params": {"position": "nowhere"}}))
        assert read_response(proc.stdout, 2)["error"]["code"] == -32602
        send(frame({"jsonrpc": "2.0", "id": 3, "method": "kubeharden/unknown"}))
        assert read_response(proc.stdout, 3)["error"]["code"] == -32601
        # Still alive and answering.
        doc = (tmp_path / "x.yaml").as_uri()
        send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": doc, "languageId": "yaml", "version": 1, "text": DEPLOY}}}))
        send(frame({"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": doc}, "position": {"line": 16, "character": 20}}}))
        assert "privileged" in read_response(proc.stdout, 4)["result"]["contents"]["value"]
        send(frame({"jsonrpc": "2.0", "id": 5, "method": "shutdown"}))
        assert read_response(proc.stdout, 5)["result"] is None
        send(frame({"jsonrpc": "2.0", "id": 6, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": doc}, "position": {"line": 16, "character": 20}}}))
        assert read_response(proc.stdout, 6)["error"]["code"] == -32600
        send(frame({"jsonrpc": "2.0", "method": "exit"}))
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_exit_without_shutdown_is_an_error_exit(tmp_path):
    proc = subprocess.run(
        server_command(),
        input=frame({"jsonrpc": "2.0", "method": "exit"}),
        capture_output=True,
        timeout=10,
    )
    assert proc.returncode == 1


def test_pull_diagnostics_when_the_client_supports_them(tmp_path):
    (tmp_path / "deploy.yaml").write_text(DEPLOY)
    proc = subprocess.Popen(
        server_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        send = lambda data: (proc.stdin.write(data), proc.stdin.flush())
        send(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "rootUri": tmp_path.as_uri(),
            "capabilities": {"textDocument": {"diagnostic": {}}}}}))
        caps = read_response(proc.stdout, 1)["result"]["capabilities"]
        assert caps["diagnosticProvider"]["interFileDependencies"] is True
        send(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        send(frame({"jsonrpc": "2.0", "id": 2, "method": "textDocument/diagnostic", "params": {
            "textDocument": {"uri": (tmp_path / "deploy.yaml").as_uri()}}}))
        m = read_message(proc.stdout)
        # Pull mode publishes nothing: the first message is the answer.
        assert m["id"] == 2, m
        items = m["result"]["items"]
        assert [d["range"] for d in items if d["code"] == "privileged"] == [
            {"start": {"line": 16, "character": 12}, "end": {"line": 16, "character": 28}}
        ]
    finally:
        proc.kill()
