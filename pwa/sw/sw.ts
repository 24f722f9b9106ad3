/**
 * The service worker: precaches the app shell so the app starts, and shows codes, with the
 * network off. It never sees a secret: secrets live only in the page's IndexedDB vault, and the
 * precache holds nothing but the build's static files.
 */
import { clientsClaim } from 'workbox-core';
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { handleShareFetch, handleShareMessage, type ShareFetchEvent } from './share-target.ts';

/** The parts of ServiceWorkerGlobalScope used here (the DOM lib of this project lacks the type). */
interface ServiceWorkerScope {
  __WB_MANIFEST: Array<{ url: string; revision: string | null } | string>;
  skipWaiting(): Promise<void>;
  registration: { scope: string };
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
  addEventListener(type: 'fetch', listener: (event: ShareFetchEvent) => void): void;
}

const sw = self as unknown as ServiceWorkerScope;

// Before Workbox's routes: a share is a POST, which no precache route answers.
sw.addEventListener('fetch', (event) => {
  handleShareFetch(event, sw.registration.scope);
});

// Written out as `self.__WB_MANIFEST`: the build replaces exactly that expression with the file list.
precacheAndRoute((self as unknown as ServiceWorkerScope).__WB_MANIFEST);
// Control the page that installed us at once, so the first visit works offline without a reload
// (its lazily loaded screens come from the precache). A waiting update still takes over only
// through SKIP_WAITING, so the page never mixes two versions.
clientsClaim();
cleanupOutdatedCaches();
// Hash routes mean every navigation inside the scope is the one shell page.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

// A new version waits until the user accepts the update prompt; it never takes over by itself.
sw.addEventListener('message', (event) => {
  if (handleShareMessage(event.data, (message) => event.ports[0]?.postMessage(message))) return;
  const data = event.data as { type?: unknown } | null;
  if (data?.type === 'SKIP_WAITING') void sw.skipWaiting();
});
