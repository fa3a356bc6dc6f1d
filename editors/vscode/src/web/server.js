// The web worker of VS Code for the Web: the engine's LanguageServer (the
// same state machine as `kubeharden lsp`), fed the JSON-RPC objects that
// vscode-languageclient's browser transport posts. There is no file system
// here: the server sees the documents the editor opens.
import init, { LanguageServer, debounceMs } from '../../../../pkg/web/kubeharden.js';

const ready = init({ module_or_path: new URL('kubeharden_bg.wasm', self.location.href) });
let server;
let timer = null;

function send(messages) {
  for (const m of messages) self.postMessage(m);
}

self.onmessage = async (event) => {
  await ready;
  server ??= new LanguageServer();
  send(server.handle(event.data));
  if (server.exitCode() !== undefined) {
    self.close();
    return;
  }
  if (timer) clearTimeout(timer);
  timer = server.hasPending()
    ? setTimeout(() => {
        timer = null;
        send(server.flush());
      }, debounceMs())
    : null;
};
