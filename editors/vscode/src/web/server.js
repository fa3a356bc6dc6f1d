// The web worker of VS Code for the Web: the engine's LanguageServer (the
// same state machine as `kubeharden lsp`), fed the JSON-RPC objects that
// vscode-languageclient's browser transport posts. A worker has no file
// system, so the client reads the workspace for it (VS Code's
// workspace.fs): it sends every YAML file once (`kubeharden/files`), and
// answers the files the server asks for later, its config files and the
// files a watcher reports (`kubeharden/readFiles`).
import init, { LanguageServer, debounceMs } from '../../../../pkg/lsp/web/kubeharden.js';

const FILES = 'kubeharden/files';
const READ_FILES = 'kubeharden/readFiles';
const READ_ID = 'kubeharden/read-';

const ready = init({ module_or_path: new URL('kubeharden_bg.wasm', self.location.href) });
let server;
let timer = null;
let reads = 0;
/** The URIs each pending read request asked for, by request id. */
const asked = new Map();

function send(messages) {
  for (const m of messages) self.postMessage(m);
}

/** Gives the server the texts the client read; a file it could not read is gone. */
function setFiles(files, uris = []) {
  const given = new Set();
  for (const f of Array.isArray(files) ? files : []) {
    if (typeof f?.uri !== 'string') continue;
    given.add(f.uri);
    server.setFile(f.uri, typeof f.text === 'string' ? f.text : null);
  }
  for (const uri of uris) if (!given.has(uri)) server.setFile(uri, null);
}

function receive(m) {
  if (m?.method === FILES) {
    setFiles(m.params?.files);
    return;
  }
  // The client's answer to a read request (a result, or an error when it
  // cannot read: the files count as absent).
  if (typeof m?.id === 'string' && asked.has(m.id) && m.method === undefined) {
    const uris = asked.get(m.id);
    asked.delete(m.id);
    setFiles(m.result?.files, uris);
    return;
  }
  send(server.handle(m));
}

self.onmessage = async (event) => {
  await ready;
  server ??= new LanguageServer();
  receive(event.data);
  if (server.exitCode() !== undefined) {
    self.close();
    return;
  }
  const uris = server.takeReads();
  if (uris.length > 0) {
    const id = READ_ID + ++reads;
    asked.set(id, uris);
    send([{ jsonrpc: '2.0', id, method: READ_FILES, params: { uris } }]);
  }
  if (timer) clearTimeout(timer);
  timer = server.hasPending()
    ? setTimeout(() => {
        timer = null;
        send(server.flush());
      }, debounceMs())
    : null;
};
