/**
 * What the Web Share Target hands the add screen (pwa/sw/share-target.ts), and how the page asks
 * the service worker for it.
 */

/** A shared screenshot, or shared text (an otpauth:// link), or both. */
export interface SharedItem {
  file?: File;
  text?: string;
}

export const SHARE_MESSAGES = { ask: 'SHARED_ITEM?', item: 'SHARED_ITEM' } as const;

/**
 * Asks the service worker for the item shared to the app (once: a reload gets nothing).
 *
 * @returns the item, or `null` when there is none (no worker, nothing shared, already taken)
 * @example const item = await takeSharedItem();
 */
export async function takeSharedItem(): Promise<SharedItem | null> {
  if (!('serviceWorker' in navigator)) return null;
  const worker = navigator.serviceWorker.controller ?? (await navigator.serviceWorker.ready).active;
  if (!worker) return null;
  const channel = new MessageChannel();
  const answer = new Promise<SharedItem | null>((resolve) => {
    channel.port1.onmessage = (event: MessageEvent<{ type?: string; item?: SharedItem | null }>) =>
      resolve(event.data?.type === SHARE_MESSAGES.item ? (event.data.item ?? null) : null);
  });
  worker.postMessage({ type: SHARE_MESSAGES.ask }, [channel.port2]);
  return answer;
}
