/**
 * Notices that survive one navigation (e.g. "MFA is on" after the forced set-up sends the person
 * on): kept in sessionStorage, shown once in the page's `#flash` live region.
 */
const KEY = 'bms-flash';

/** Queues a notice for the next page. */
export function flashNext(message: string): void {
  try {
    sessionStorage.setItem(KEY, message);
  } catch {
    // Storage can be off (private mode); the notice is a courtesy.
  }
}

/** Shows a notice now. */
export function flash(message: string, tone: 'ok' | 'error' = 'ok'): void {
  const region = document.getElementById('flash');
  if (!region) return;
  const p = document.createElement('p');
  p.className = `notice ${tone}`;
  p.textContent = message;
  region.replaceChildren(p);
}

/** Shows the notice queued by the previous page, if any. */
export function showQueuedFlash(): void {
  let message: string | null = null;
  try {
    message = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
  } catch {
    return;
  }
  if (message) flash(message);
}
