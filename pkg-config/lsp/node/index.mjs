// Node entry point of the language-server module (`kubeharden/lsp`): the
// checker's API and `LanguageServer`, loaded synchronously like ../../node.
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
