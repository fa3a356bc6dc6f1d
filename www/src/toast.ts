// A short status message at the bottom of the page (announced to screen readers).
import { byId } from './dom';

let timer: ReturnType<typeof setTimeout> | undefined;

export function toast(message: string, kind: 'info' | 'error' = 'info'): void {
  const el = byId('toast');
  el.textContent = message;
  el.dataset.kind = kind;
  el.classList.add('kh-toast-visible');
  clearTimeout(timer);
  timer = setTimeout(() => el.classList.remove('kh-toast-visible'), 4000);
}
