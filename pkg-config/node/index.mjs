// Node entry point: the wasm module is loaded synchronously by wasm-bindgen's
// nodejs target, so `import { check } from 'kubeharden'` needs no init call.
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
  LanguageServer,
  debounceMs,
} = engine;
