// Node entry point: the wasm module is loaded synchronously by wasm-bindgen's
// nodejs target, so `import { check } from 'kubeharden'` needs no init call.
// The language server is in its own module: `kubeharden/lsp` (../lsp/node).
import engine from './kubeharden.js';

export const {
  check,
  checkBundle,
  fixAll,
  ignoreFix,
  report,
  rules,
  ruleSelection,
  pssVersions,
  version,
} = engine;
