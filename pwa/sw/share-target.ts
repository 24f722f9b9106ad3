/**
 * Web Share Target, handled here without a server: the manifest's `share_target` POSTs a shared
 * screenshot (`image`) or text (`text`, `url`: an otpauth:// link) to {@link SHARE_TARGET_PATH};
 * the service worker reads the form, answers with a redirect to the add screen, and hands the item
 * to that page when it asks. The item lives only in this worker's memory, never in a cache: a
 * QR screenshot or an otpauth link is a secret.
 */
import { SHARE_MESSAGES, type SharedItem } from '../add/shared-item.ts';

/** Where the manifest's share_target posts, inside the worker's scope. */
export const SHARE_TARGET_PATH = 'share-target';

/** The parts of a FetchEvent used here (the DOM lib of this project lacks the type). */
export interface ShareFetchEvent {
  request: Request;
  resultingClientId?: string;
  respondWith(response: Promise<Response>): void;
  waitUntil(promise: Promise<unknown>): void;
}

/** How long a shared item waits for its page to ask for it. */
const HAND_OVER_MS = 60_000;

let pending: { item: SharedItem; handed: () => void } | null = null;

/**
 * Answers a share-target POST: reads the form, keeps the item for the add screen, redirects there.
 *
 * @param scopeUrl - the worker's scope, e.g. `https://host/app/`
 * @returns whether the event was a share (and answered)
 */
export function handleShareFetch(event: ShareFetchEvent, scopeUrl: string): boolean {
  const url = new URL(event.request.url);
  if (event.request.method !== 'POST' || url.href !== new URL(SHARE_TARGET_PATH, scopeUrl).href)
    return false;
  let handed: () => void = () => {};
  const wait = new Promise<void>((resolve) => {
    handed = resolve;
    setTimeout(resolve, HAND_OVER_MS);
  });
  event.respondWith(
    (async () => {
      const item = await readShare(event.request);
      pending = { item, handed };
      return Response.redirect(new URL('#/add?shared=1', scopeUrl).href, 303);
    })(),
  );
  // Keeps the worker alive until the page took the item (or it is given up).
  event.waitUntil(wait.then(() => (pending = null)));
  return true;
}

/** Answers the add screen's request for the shared item (once). */
export function handleShareMessage(data: unknown, reply: (message: unknown) => void): boolean {
  if ((data as { type?: unknown } | null)?.type !== SHARE_MESSAGES.ask) return false;
  const taken = pending;
  pending = null;
  reply({ type: SHARE_MESSAGES.item, item: taken?.item ?? null });
  taken?.handed();
  return true;
}

async function readShare(request: Request): Promise<SharedItem> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return {};
  }
  const file = form.getAll('image').find((value): value is File => value instanceof File);
  // Apps share a link as `url`, or as `text` (sometimes with words around it).
  const text = [form.get('url'), form.get('text')]
    .filter((value): value is string => typeof value === 'string' && value.trim() !== '')
    .join('\n');
  return { ...(file && file.size > 0 ? { file } : {}), ...(text ? { text } : {}) };
}
