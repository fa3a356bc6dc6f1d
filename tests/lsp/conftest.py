"""The server under test: KUBEHARDEN_LSP is its command line, e.g.
`target/debug/kubeharden lsp` (native) or `node pkg/node/kubeharden-lsp.mjs`
(WebAssembly), so one suite checks every host."""

import os
import shlex

import pytest


def server_command():
    cmd = os.environ.get("KUBEHARDEN_LSP")
    if not cmd:
        pytest.exit("set KUBEHARDEN_LSP to the server's command line", returncode=2)
    return shlex.split(cmd)
