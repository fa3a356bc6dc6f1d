// The hover tooltip body for a finding: message, rule, why it matters, how to fix, docs.
import { h, docsLink } from './dom';
import type { Finding } from './findings';

export function severityBadge(severity: string): HTMLElement {
  return h('span', { class: `kh-badge kh-sev-${severity}` }, severity);
}

export function renderFindingDetails(finding: Finding): HTMLElement {
  const { diagnostic: d, rule } = finding;
  const help = d.help || rule?.help;
  const remediation = rule?.remediation && rule.remediation !== help ? rule.remediation : '';
  const docs = d.docs || rule?.docs;
  return h(
    'div',
    { class: 'kh-tip' },
    h(
      'div',
      { class: 'kh-tip-head' },
      severityBadge(d.severity),
      h('strong', { class: 'kh-tip-title' }, rule?.title ?? d.rule),
      h('code', { class: 'kh-tip-rule' }, d.rule),
    ),
    h('p', { class: 'kh-tip-message' }, d.message),
    rule?.rationale && h('p', { class: 'kh-tip-label' }, 'Why it matters'),
    rule?.rationale && h('p', {}, rule.rationale),
    (help || remediation) && h('p', { class: 'kh-tip-label' }, 'How to fix'),
    help && h('p', {}, help),
    remediation && h('p', {}, remediation),
    d.path && h('p', { class: 'kh-tip-path' }, h('code', {}, d.path)),
    docs && h('p', { class: 'kh-tip-docs' }, docsLink(docs, 'Rule documentation ↗')),
  );
}
