// What the desktop and web clients share: which documents, which settings.
import * as vscode from 'vscode';

export const SECTION = 'kubeharden';

export function settings() {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    profile: c.get('profile'),
    pssVersion: c.get('pssVersion'),
    enable: c.get('enable'),
    disable: c.get('disable'),
    imageRegistries: c.get('imageRegistries'),
    docsBaseUrl: c.get('docsBaseUrl'),
  };
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
