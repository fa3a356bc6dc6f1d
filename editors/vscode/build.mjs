// Bundles the extension with esbuild: the desktop client and its Node server
// (the npm package's kubeharden-lsp), the web client and its worker server,
// each beside the language-server wasm module (pkg/lsp). Needs `make pkg`
// first.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';

const pkg = '../../pkg';
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist/web', { recursive: true });
const common = { bundle: true, minify: true, legalComments: 'none', logLevel: 'warning' };
await Promise.all([
  build({ ...common, entryPoints: ['src/extension.js'], outfile: 'dist/extension.js',
    platform: 'node', format: 'cjs', external: ['vscode'] }),
  build({ ...common, entryPoints: [`${pkg}/node/kubeharden-lsp.mjs`], outfile: 'dist/server.js',
    platform: 'node', format: 'cjs' }),
  build({ ...common, entryPoints: ['src/web/extension.js'], outfile: 'dist/web/extension.js',
    platform: 'browser', format: 'cjs', external: ['vscode'] }),
  build({ ...common, entryPoints: ['src/web/server.js'], outfile: 'dist/web/server.js',
    platform: 'browser', format: 'iife',
    // The worker passes the wasm URL to init() itself; the default that
    // reads import.meta.url is never used.
    logOverride: { 'empty-import-meta': 'silent' } }),
]);
copyFileSync(`${pkg}/lsp/node/kubeharden_bg.wasm`, 'dist/kubeharden_bg.wasm');
copyFileSync(`${pkg}/lsp/web/kubeharden_bg.wasm`, 'dist/web/kubeharden_bg.wasm');
