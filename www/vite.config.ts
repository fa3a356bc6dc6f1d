import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

// The engine is the wasm-bindgen `--target web` package that `make pkg` writes to
// ../pkg/web. KUBEHARDEN_PKG_DIR can point the build at another build of the same package.
const enginePkgDir = path.resolve(here, process.env.KUBEHARDEN_PKG_DIR ?? '../pkg/web');
if (!existsSync(path.join(enginePkgDir, 'kubeharden.js'))) {
  throw new Error(
    `The wasm engine is missing: ${enginePkgDir}/kubeharden.js. Build it with \`make pkg\` first.`,
  );
}

// CodeMirror injects its styles through a <style> element; the page's CSP only lets
// <style> elements carrying this nonce through (style-src stays without 'unsafe-inline').
// A static site cannot rotate it per response, so it is a fixed, public value: it only
// admits styles the page itself creates and never unlocks scripts.
const CSP_NONCE = 'kubeharden-playground-styles';

function cspNonce(): Plugin {
  return {
    name: 'kubeharden-csp-nonce',
    transformIndexHtml: (html) => html.replaceAll('%CSP_NONCE%', CSP_NONCE),
  };
}

export default defineConfig({
  base: './',
  plugins: [cspNonce()],
  html: { cspNonce: CSP_NONCE },
  resolve: {
    alias: { '@kubeharden/engine': enginePkgDir },
  },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2048,
    // Two pages: the playground and the rule catalog (the target of the rules' docs links).
    rollupOptions: {
      input: {
        main: path.resolve(here, 'index.html'),
        rules: path.resolve(here, 'rules.html'),
      },
    },
  },
  server: {
    host: '127.0.0.1',
    fs: { allow: [here, enginePkgDir] },
  },
  preview: { host: '127.0.0.1', port: 8080, strictPort: true },
});
