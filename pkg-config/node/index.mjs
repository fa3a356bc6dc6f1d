// Node entry point: `import { check } from 'kubeharden'` needs no init call.
// Node loads the module from disk, so this entry uses the module built for
// speed (../lsp/node: opt-level 2, the language server beside the checker)
// rather than the one built for download size that browsers get (../web):
// the same API and the same results, about twice as fast per check.
import engine from '../lsp/node/kubeharden.js';

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
