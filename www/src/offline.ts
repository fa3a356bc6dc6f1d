// Offline use: register the service worker (dist/sw.js, see src/sw.ts), which precaches the
// whole build on the first visit so both pages open and check manifests without a network.
// Called once a page has shown its content, so it never delays the first findings; skipped
// in the dev server (there is no sw.js) and where service workers are unavailable (file:,
// insecure origins, some private modes). A failure only costs offline use: it is logged as
// a warning, never thrown.

const SERVICE_WORKER = 'sw.js';

/** `root`: the site root relative to the page (`../` from rules/ and maps/). */
export function registerServiceWorkerWhenIdle(root = './'): void {
  if (import.meta.env.DEV || !serviceWorkersAvailable()) return;
  const register = () => {
    navigator.serviceWorker
      // Relative to the page: the worker sits at the site root, its scope is the whole site.
      .register(root + SERVICE_WORKER, { scope: root })
      .catch((err: unknown) => {
        console.warn(
          `kubeharden: offline use unavailable (${err instanceof Error ? err.message : String(err)})`,
        );
      });
  };
  // After what the page has already queued for idle time (the findings panel's render).
  if (typeof requestIdleCallback === 'function') requestIdleCallback(register, { timeout: 2000 });
  else setTimeout(register, 200);
}

function serviceWorkersAvailable(): boolean {
  return (
    (location.protocol === 'https:' || location.protocol === 'http:') &&
    window.isSecureContext &&
    'serviceWorker' in navigator
  );
}
