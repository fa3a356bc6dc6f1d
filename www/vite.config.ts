import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { defineConfig, transformWithOxc, type Plugin } from 'vite';
import { docsBaseDefine, enginePkgDir as findEnginePkgDir } from './vite.shared.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const enginePkgDir = findEnginePkgDir();

// The documentation pages scripts/build-docs.mjs generates from the rule registry (`npm run
// build` runs it first): rules.html, rules/<id>.html, maps/*.html.
function docsPages(): Record<string, string> {
  if (!existsSync(path.join(here, 'rules.html'))) {
    throw new Error(
      'rules.html is missing: run `node scripts/build-docs.mjs` (npm run build does)',
    );
  }
  const pages: Record<string, string> = { rules: path.join(here, 'rules.html') };
  for (const dir of ['rules', 'maps']) {
    for (const file of readdirSync(path.join(here, dir))) {
      if (file.endsWith('.html')) pages[`${dir}/${file.slice(0, -5)}`] = path.join(here, dir, file);
    }
  }
  return pages;
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
  define: docsBaseDefine(),
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
    // The playground, the rule index (the target of the rules' docs links), a page per rule
    // and the maps.
    rollupOptions: {
      input: { main: path.resolve(here, 'index.html'), ...docsPages() },
    },
  },
  server: {
    host: '127.0.0.1',
    fs: { allow: [here, enginePkgDir] },
  },
  preview: { host: '127.0.0.1', port: 8080, strictPort: true },
});
