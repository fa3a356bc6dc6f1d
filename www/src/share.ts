// Share links: the document and settings, lz-string compressed, in the URL fragment.
// The fragment never reaches a server.
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { sanitizeSettings, type Settings } from './settings';

const PREFIX = '#share=';

export interface SharedState {
  source: string;
  settings: Settings;
}

export function encodeShareHash(state: SharedState): string {
  const payload = JSON.stringify({ v: 1, source: state.source, settings: state.settings });
  return PREFIX + compressToEncodedURIComponent(payload);
}

/** The shared state in `hash`, or null if it holds none (or a damaged one). */
export function decodeShareHash(hash: string): SharedState | null {
  if (!hash.startsWith(PREFIX)) return null;
  try {
    const json = decompressFromEncodedURIComponent(hash.slice(PREFIX.length));
    if (!json) return null;
    const parsed = JSON.parse(json) as { v?: unknown; source?: unknown; settings?: unknown };
    if (parsed.v !== 1 || typeof parsed.source !== 'string') return null;
    return { source: parsed.source, settings: sanitizeSettings(parsed.settings) };
  } catch {
    return null;
  }
}

export function shareUrl(hash: string): string {
  const url = new URL(location.href);
  url.hash = hash;
  return url.href;
}
