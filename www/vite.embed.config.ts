// The stand-alone build of <kubeharden-example> for other sites: dist/embed/ holds
// kubeharden-example.js (the element, CodeMirror included), the engine's glue as a lazily
// imported chunk and the wasm, all loaded relative to the script. Copy the folder anywhere.
// Runs after the main build (vite.config.ts), into its dist/.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineConfig } from 'vite';
import { docsBaseDefine, enginePkgDir } from './vite.shared.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  base: './',
  define: docsBaseDefine(),
  resolve: { alias: { '@kubeharden/engine': enginePkgDir() } },
  build: {
    outDir: 'dist/embed',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    copyPublicDir: false,
    rollupOptions: {
      input: { 'kubeharden-example': path.resolve(here, 'src/embed/kubeharden-example.ts') },
      // The entry keeps a fixed name (the one embedders write in their <script>); the rest
      // is content-hashed next to it.
      preserveEntrySignatures: 'exports-only',
      output: {
        entryFileNames: '[name].js',
        chunkFileNames: '[name]-[hash].js',
        assetFileNames: '[name]-[hash][extname]',
      },
    },
  },
});
