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

/** The worker script in a vm realm: `post` delivers a message, `posted` collects replies. */
function loadWorker() {
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
  return { posted, post: (m) => self.onmessage({ data: m }) };
}

/** The first posted message that `pred` accepts, waiting up to 10 s. */
async function waitFor(posted, pred, what) {
  const deadline = Date.now() + 10000;
  let found;
  while (!(found = posted.find(pred))) {
    assert.ok(Date.now() < deadline, `nothing posted: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return found;
}

test('the web worker server publishes diagnostics', async () => {
  const { posted, post } = loadWorker();
  await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { capabilities: {} } });
  assert.ok(posted.find((m) => m.id === 1).result.capabilities.codeActionProvider);
  await post({ jsonrpc: '2.0', method: 'initialized', params: {} });
  const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: b, securityContext: {privileged: true}}]\n';
  await post({
    jsonrpc: '2.0',
    method: 'textDocument/didOpen',
    params: { textDocument: { uri: 'vscode-vfs://github/x/pod.yaml', languageId: 'yaml', version: 1, text } },
  });
  const published = await waitFor(
    posted,
    (m) => m.method === 'textDocument/publishDiagnostics',
    'diagnostics',
  );
  assert.equal(published.params.uri, 'vscode-vfs://github/x/pod.yaml');
  const p = published.params.diagnostics.find((d) => d.code === 'privileged');
  // The vm realm's objects: compare their JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(p.range)), { start: { line: 4, character: 53 }, end: { line: 4, character: 69 } });
});

// A worker has no file system: the client sends the workspace's YAML files
// and answers the server's reads (its config files) through VS Code's
// workspace.fs. Both reach the bundle.
test('the web worker server reads the workspace through the client', async () => {
  const { posted, post } = loadWorker();
  const root = 'vscode-vfs://github/x';
  await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { rootUri: root, capabilities: {} } });
  await post({ jsonrpc: '2.0', method: 'initialized', params: {} });
  const ask = await waitFor(posted, (m) => m.method === 'kubeharden/readFiles', 'a read request');
  const uris = [...ask.params.uris];
  const config = `${root}/.kubeharden.yaml`;
  assert.ok(uris.includes(config), JSON.stringify(uris));
  // The config switches privileged off; every other file asked for is absent.
  await post({
    jsonrpc: '2.0',
    id: ask.id,
    result: { files: [{ uri: config, text: 'disable: [privileged]\n' }] },
  });
  const sa = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: shop\n';
  await post({
    jsonrpc: '2.0',
    method: 'kubeharden/files',
    params: { files: [{ uri: `${root}/sa.yaml`, text: sa }] },
  });
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  serviceAccountName: app\n  containers: [{name: a, image: b, securityContext: {privileged: true}}]\n';
  await post({
    jsonrpc: '2.0',
    method: 'textDocument/didOpen',
    params: { textDocument: { uri: `${root}/pod.yaml`, languageId: 'yaml', version: 1, text: pod } },
  });
  const published = await waitFor(
    posted,
    (m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === `${root}/pod.yaml`,
    'diagnostics for pod.yaml',
  );
  const codes = published.params.diagnostics.map((d) => d.code);
  assert.ok(!codes.includes('privileged'), `the config read through the client applies: ${codes}`);
  const automount = published.params.diagnostics.find((d) => d.code === 'automount-service-account-token');
  assert.ok(automount, String(codes));
  assert.match(automount.message, /sa\.yaml/, 'the ServiceAccount in the unopened file joins the bundle');
  // A read the client cannot answer leaves the files absent, and the
  // server keeps answering.
  await post({ jsonrpc: '2.0', id: 'kubeharden/read-999', error: { code: -32601, message: 'no' } });
  await post({ jsonrpc: '2.0', id: 2, method: 'shutdown' });
  assert.ok(posted.some((m) => m.id === 2 && 'result' in m));
});
