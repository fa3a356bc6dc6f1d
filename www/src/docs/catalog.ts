// rules.html: the generated index already holds every rule; this only adds search and
// filters (progressive enhancement) and highlights the rule in the fragment, the target of
// the engine's `rules.html#<rule-id>` links.
import '../style.css';
import './docs.css';
import { registerServiceWorkerWhenIdle } from '../offline';

const tools = document.getElementById('catalog-tools') as HTMLFormElement;
const query = document.getElementById('catalog-filter') as HTMLInputElement;
const category = document.getElementById('catalog-category') as HTMLSelectElement;
const severity = document.getElementById('catalog-severity') as HTMLSelectElement;
const profile = document.getElementById('catalog-profile') as HTMLSelectElement;
const count = document.getElementById('catalog-count') as HTMLElement;
const entries = [...document.querySelectorAll<HTMLElement>('#catalog article[data-rule]')];
const sections = [...document.querySelectorAll<HTMLElement>('#catalog section[data-category]')];
const tocItems = new Map(
  [...document.querySelectorAll<HTMLElement>('#toc li[data-rule]')].map((li) => [
    li.dataset.rule,
    li,
  ]),
);
const tocGroups = [...document.querySelectorAll<HTMLElement>('#toc [data-category]')];

function matches(entry: HTMLElement): boolean {
  const words = query.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const text = entry.dataset.search ?? '';
  if (!words.every((w) => text.includes(w))) return false;
  if (category.value && entry.dataset.category !== category.value) return false;
  if (severity.value && entry.dataset.severity !== severity.value) return false;
  const profiles = (entry.dataset.profiles ?? '').split(' ');
  if (profile.value && !profiles.includes(profile.value)) return false;
  return true;
}

function apply(): void {
  let shown = 0;
  for (const entry of entries) {
    const visible = matches(entry);
    entry.hidden = !visible;
    const li = tocItems.get(entry.dataset.rule);
    if (li) li.hidden = !visible;
    if (visible) shown++;
  }
  for (const group of [...sections, ...tocGroups]) {
    group.hidden = !group.querySelector('[data-rule]:not([hidden])');
  }
  count.textContent =
    shown === entries.length
      ? `${entries.length} rules`
      : `${shown} of ${entries.length} rules match`;
}

/** Highlight the rule in the fragment; one hidden by a filter brings the full list back. */
function showTarget(): void {
  for (const el of document.querySelectorAll('.kh-target')) el.classList.remove('kh-target');
  let id = '';
  try {
    id = decodeURIComponent(location.hash.slice(1));
  } catch {
    return;
  }
  const target = id ? document.getElementById(id) : null;
  if (!target?.matches('article[data-rule]')) return;
  if (target.hidden) {
    tools.reset();
    apply();
    target.scrollIntoView({ block: 'start' });
  }
  target.classList.add('kh-target');
}

tools.hidden = false;
tools.addEventListener('submit', (e) => e.preventDefault());
tools.addEventListener('input', apply);
tools.addEventListener('change', apply);
window.addEventListener('hashchange', showTarget);
showTarget();
registerServiceWorkerWhenIdle();
