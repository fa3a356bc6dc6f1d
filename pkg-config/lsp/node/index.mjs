// Node entry point of the language-server module (`kubeharden/lsp`): the
// checker's API, which Node's main entry (../../node) already takes from
// this very module, and `LanguageServer`.
import engine from './kubeharden.js';

export * from '../../node/index.mjs';
export const { LanguageServer, debounceMs } = engine;
