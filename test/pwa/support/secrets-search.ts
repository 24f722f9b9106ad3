import type { CDPSession, Page } from 'playwright-core';
import { dumpIndexedDb } from './app-page.ts';

/**
 * Everything the page's DOM holds, as one string: every element of the document and of every
 * shadow root, each attribute, each text node, and the live value of form fields (which
 * `outerHTML` leaves out).
 */
export function dumpDom(page: Page): Promise<string> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walk = (root: Node): void => {
      for (let node = root.firstChild; node; node = node.nextSibling) {
        if (node instanceof Text) out.push(node.data);
        if (node instanceof Element) {
          out.push(`<${node.localName}`);
          for (const attr of Array.from(node.attributes)) out.push(`${attr.name}=${attr.value}`);
          if (node instanceof HTMLInputElement || node instanceof HTMLTextAreaElement)
            out.push(`value=${node.value}`);
          if (node.shadowRoot) walk(node.shadowRoot);
          walk(node);
        }
      }
    };
    walk(document);
    return out.join('\n');
  });
}

/** Every response in the origin's Cache Storage (the service worker's caches), as latin1 text. */
export function dumpCaches(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const out: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const body = new Uint8Array(
          await ((await cache.match(request))?.arrayBuffer() ?? new ArrayBuffer(0)),
        );
        let text = '';
        for (let i = 0; i < body.length; i += 8192)
          text += String.fromCharCode(...body.subarray(i, i + 8192));
        out.push(`${name} ${request.url}\n${text}`);
      }
    }
    return out.join('\n');
  });
}

/** Local and session storage, key=value lines. */
export function dumpWebStorage(page: Page): Promise<string> {
  return page.evaluate(() =>
    [localStorage, sessionStorage]
      .flatMap((s) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`))
      .join('\n'),
  );
}

/**
 * The strings of the page's JavaScript heap after a full garbage collection (a DevTools heap
 * snapshot's string table): what script could still reach, and what was not yet collected.
 */
export async function heapStrings(page: Page): Promise<string[]> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const chunks: string[] = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => chunks.push(chunk));
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  await cdp.detach();
  return (JSON.parse(chunks.join('')) as { strings: string[] }).strings;
}

/** Which of `needles` the page still holds: in the DOM, IndexedDB, the caches or web storage. */
export async function secretsInPage(page: Page, needles: readonly string[]): Promise<string[]> {
  const places = {
    dom: await dumpDom(page),
    indexedDb: await dumpIndexedDb(page),
    caches: await dumpCaches(page),
    webStorage: await dumpWebStorage(page),
  };
  return needles.flatMap((n) =>
    Object.entries(places)
      .filter(([, text]) => text.includes(n))
      .map(([where]) => `${n} in ${where}`),
  );
}
