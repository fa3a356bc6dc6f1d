// The web entry's server (dist/web/server.js, a web worker script) run under
// Node with the little of a worker's globals it uses: it must load its wasm
// from beside itself, answer initialize and publish diagnostics for an open
// document. VSIX_DIR: the extracted .vsix's `extension` folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

const dir = process.env.VSIX_DIR;

test('the web worker server publishes diagnostics', async () => {
  const script = join(dir, 'dist/web/server.js');
  const posted = [];
  const self = {
    location: { href: pathToFileURL(script).href },
    postMessage: (m) => posted.push(m),
    close() {},
  };
  const context = vm.createContext({
    self,
    URL,
    WebAssembly,
    TextDecoder,
    TextEncoder,
    setTimeout,
    clearTimeout,
    console,
    // Only file: URLs beside the script, as a browser would fetch them.
    fetch: async (url) =>
      new Response(readFileSync(fileURLToPath(String(url))), {
        headers: { 'Content-Type': 'application/wasm' },
      }),
    Response,
  });
  vm.runInContext(readFileSync(script, 'utf8'), context);
  const post = (m) => self.onmessage({ data: m });
  await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { capabilities: {} } });
  assert.ok(posted.find((m) => m.id === 1).result.capabilities.codeActionProvider);
  await post({ jsonrpc: '2.0', method: 'initialized', params: {} });
  const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: b, securityContext: {privileged: true}}]\n';
  await post({
    jsonrpc: '2.0',
    method: 'textDocument/didOpen',
    params: { textDocument: { uri: 'vscode-vfs://github/x/pod.yaml', languageId: 'yaml', version: 1, text } },
  });
  const deadline = Date.now() + 10000;
  let published;
  while (!(published = posted.find((m) => m.method === 'textDocument/publishDiagnostics'))) {
    assert.ok(Date.now() < deadline, 'no diagnostics published');
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(published.params.uri, 'vscode-vfs://github/x/pod.yaml');
  const p = published.params.diagnostics.find((d) => d.code === 'privileged');
  // The vm realm's objects: compare their JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(p.range)), { start: { line: 4, character: 53 }, end: { line: 4, character: 69 } });
});
