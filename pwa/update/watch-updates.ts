/**
 * Service-worker registration through workbox-window, loaded after first paint so it costs the
 * first screen nothing. A new version waits until the user says so.
 */

/** Called when a new version waits; `apply` activates it and reloads once it controls the page. */
export type OnUpdateWaiting = (apply: () => void) => void;

/**
 * Registers the service worker and reports waiting updates, and (`onOfflineReady`) the moment the
 * first worker, its precache complete, controls the page: from then on the app works offline. Checks again whenever the app comes
 * back to the foreground. Does nothing where service workers are unavailable (dev server,
 * insecure origins).
 *
 * @example void watchForUpdates((apply) => showPrompt(apply));
 */
export async function watchForUpdates(
  onWaiting: OnUpdateWaiting,
  onOfflineReady: () => void = () => undefined,
): Promise<void> {
  if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
  const { Workbox } = await import('workbox-window');
  const base = import.meta.env.BASE_URL;
  const wb = new Workbox(`${base}sw.js`, { scope: base });
  wb.addEventListener('waiting', () => {
    onWaiting(() => {
      // Reload only after the new worker took over, so the page never mixes two versions.
      wb.addEventListener('controlling', () => window.location.reload());
      wb.messageSkipWaiting();
    });
  });
  wb.addEventListener('controlling', (event) => {
    if (!event.isUpdate) onOfflineReady();
  });
  try {
    await wb.register();
  } catch {
    // No service worker (e.g. blocked by the browser): the app still works online.
    return;
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void wb.update().catch(() => undefined);
  });
}
