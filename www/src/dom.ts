// Tiny DOM builder. Text always goes through textContent; there is no HTML path.

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') el.className = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

/** An external link, only for http(s) URLs; anything else renders as plain text. */
export function externalLink(href: string | undefined, text: string): HTMLElement {
  if (href && /^https?:\/\//i.test(href)) {
    return h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, text);
  }
  return h('span', {}, text);
}

declare const __KUBEHARDEN_DOCS_BASE__: string;

/**
 * Where the engine's docs links point: empty (the default) keeps them relative to the page,
 * which the site's own pages sit next to; `make site KUBEHARDEN_DOCS_BASE=https://…/` points
 * them at docs deployed elsewhere (checked to be an http(s) URL ending in "/" at build time).
 */
export const DOCS_BASE: string = __KUBEHARDEN_DOCS_BASE__;

/** A docs link (`rules.html#<rule-id>`) resolved against DOCS_BASE when one is set. */
export function docsHref(href: string): string {
  return DOCS_BASE ? new URL(href, DOCS_BASE).href : href;
}

/** The engine's own docs links: `rules.html#<rule-id>`, relative to the site root. */
const RULE_DOCS = /^rules\.html#[a-z0-9][a-z0-9-]*$/;

/** Whether `href` is a link into the rule catalog (`rules.html#<rule-id>`). */
export function isRuleDocsLink(href: string | undefined): href is string {
  return !!href && RULE_DOCS.test(href);
}

/**
 * A docs link: the catalog's `rules.html#<rule-id>` (opened in a new tab, so the playground
 * keeps its state) or an http(s) URL; anything else renders as plain text.
 */
export function docsLink(href: string | undefined, text: string): HTMLElement {
  if (isRuleDocsLink(href)) {
    return h('a', { href: docsHref(href), target: '_blank', rel: 'noopener' }, text);
  }
  return externalLink(href, text);
}

export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
}
