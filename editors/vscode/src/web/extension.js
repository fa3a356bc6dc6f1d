// VS Code for the Web: the WebAssembly server runs in a web worker.
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import { clientOptions } from '../client.js';

let client;

export async function activate(context) {
  const url = vscode.Uri.joinPath(context.extensionUri, 'dist', 'web', 'server.js');
  const worker = new Worker(url.toString(true));
  client = new LanguageClient('kubeharden', 'kubeharden', clientOptions(), worker);
  await client.start();
}

export function deactivate() {
  return client?.stop();
}
