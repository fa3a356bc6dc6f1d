import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { defineConfig, transformWithOxc, type Plugin } from 'vite';

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

// The service worker (src/sw.ts) for offline use: written to dist/sw.js once the bundle is
// complete, with the list of every file of the build and a hash of their names and contents
// (and of the worker's code), which names its cache: a new deployment gets a new cache, an
// unchanged one keeps its own.
// A fixed name (not hashed) next to the pages, so the registered worker's URL and scope stay
// the same across deployments. Build only: the dev server has no service worker.
const SERVICE_WORKER = 'sw.js';

function serviceWorker(): Plugin {
  return {
    name: 'kubeharden-service-worker',
    apply: 'build',
    generateBundle: {
      order: 'post',
      async handler(_options, bundle) {
        const files = Object.values(bundle)
          .filter((f) => f.fileName !== SERVICE_WORKER && !f.fileName.endsWith('.map'))
          .sort((a, b) => (a.fileName < b.fileName ? -1 : 1));
        const source = path.join(here, 'src/sw.ts');
        const { code } = await transformWithOxc(await readFile(source, 'utf8'), source, {
          lang: 'ts',
        });
        // The worker's own code counts too: a changed worker starts from a fresh cache.
        const hash = createHash('sha256').update(code).update('\0');
        for (const f of files) {
          hash.update(f.fileName).update('\0');
          hash.update(f.type === 'chunk' ? f.code : f.source).update('\0');
        }
        const fileNames = files.map((f) => f.fileName);
        const build = {
          hash: hash.digest('hex').slice(0, 16),
          files: fileNames,
          pages: [
            'index.html',
            ...fileNames.filter((f) => f.endsWith('.html') && f !== 'index.html'),
          ],
        };
        if (!fileNames.includes('index.html')) this.error('the build has no index.html');
        this.emitFile({
          type: 'asset',
          fileName: SERVICE_WORKER,
          source: `const BUILD = ${JSON.stringify(build)};\n${code}`,
        });
      },
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [cspNonce(), serviceWorker()],
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
