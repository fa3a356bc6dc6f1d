// Desktop: the WebAssembly server runs under the extension host's own Node
// (a child process on stdio, no native binary).
import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import { clientOptions } from './client.js';

let client;

export async function activate(context) {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const run = { module, transport: TransportKind.stdio };
  client = new LanguageClient('kubeharden', 'kubeharden', { run, debug: run }, clientOptions());
  await client.start();
}

export function deactivate() {
  return client?.stop();
}
