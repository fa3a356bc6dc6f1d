// What the desktop and web clients share: which documents, which settings.
import * as vscode from 'vscode';
import manifest from '../package.json';

export const SECTION = 'kubeharden';

// The settings the extension declares in package.json, forwarded to the server under their
// names there: a setting added to the manifest needs no second list here.
const KEYS = Object.keys(manifest.contributes.configuration.properties).map((k) =>
  k.slice(SECTION.length + 1),
);

export function settings() {
  const c = vscode.workspace.getConfiguration(SECTION);
  return Object.fromEntries(KEYS.map((k) => [k, c.get(k)]));
}

export function clientOptions() {
  return {
    documentSelector: [{ language: 'yaml' }],
    initializationOptions: settings(),
    synchronize: {
      // Sent as workspace/didChangeConfiguration {kubeharden: {...}}.
      configurationSection: SECTION,
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}'),
    },
  };
}
