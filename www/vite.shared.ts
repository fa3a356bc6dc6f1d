// Settings both builds (the site, vite.config.ts, and the embeddable element,
// vite.embed.config.ts) share.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { existsSync } from 'node:fs';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The engine is the wasm-bindgen `--target web` package that `make pkg` writes to ../pkg/web.
 * KUBEHARDEN_PKG_DIR can point the build at another build of the same package.
 */
export function enginePkgDir(): string {
  const dir = path.resolve(here, process.env.KUBEHARDEN_PKG_DIR ?? '../pkg/web');
  if (!existsSync(path.join(dir, 'kubeharden.js'))) {
    throw new Error(
      `The wasm engine is missing: ${dir}/kubeharden.js. Build it with \`make pkg\` first.`,
    );
  }
  return dir;
}

/**
 * Where the engine's `docs` links (`rules.html#<rule-id>`) point. Empty (the default): next
 * to the page (the playground) or at the site the element's script came from. Set
 * KUBEHARDEN_DOCS_BASE (`make site KUBEHARDEN_DOCS_BASE=https://example.org/kubeharden/`)
 * when the docs live elsewhere.
 */
export function docsBaseDefine(): Record<string, string> {
  const base = process.env.KUBEHARDEN_DOCS_BASE ?? '';
  if (base && !/^https?:\/\/[^\s]+\/$/.test(base)) {
    throw new Error(
      `KUBEHARDEN_DOCS_BASE must be an http(s) URL ending with "/", got ${JSON.stringify(base)}`,
    );
  }
  return { __KUBEHARDEN_DOCS_BASE__: JSON.stringify(base) };
}
