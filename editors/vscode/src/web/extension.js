// VS Code for the Web: the WebAssembly server runs in a web worker, which
// has no file system: this side reads the workspace's YAML files for it
// through VS Code's workspace.fs (see server.js).
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import { clientOptions } from '../client.js';

const MAX_BYTES = 32 * 1024 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

let client;

/** A file's UTF-8 text within the engine's size limit, else null. */
async function readText(uri) {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type !== vscode.FileType.File || stat.size > MAX_BYTES) return null;
    return utf8.decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return null;
  }
}

async function read(uris) {
  return Promise.all(uris.map(async (uri) => ({ uri: uri.toString(), text: await readText(uri) })));
}

export async function activate(context) {
  const url = vscode.Uri.joinPath(context.extensionUri, 'dist', 'web', 'server.js');
  const worker = new Worker(url.toString(true));
  client = new LanguageClient('kubeharden', 'kubeharden', clientOptions(), worker);
  client.onRequest('kubeharden/readFiles', async ({ uris }) => ({
    files: await read((Array.isArray(uris) ? uris : []).map((u) => vscode.Uri.parse(u))),
  }));
  await client.start();
  // Every YAML file of the workspace is part of the bundle, open or not.
  const found = await vscode.workspace.findFiles('**/*.{yaml,yml}', '**/{node_modules,.git}/**');
  const files = (await read(found)).filter((f) => f.text !== null);
  await client.sendNotification('kubeharden/files', { files });
}

export function deactivate() {
  return client?.stop();
}
