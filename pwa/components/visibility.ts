/**
 * Whether a card is on screen, so a card off screen computes no codes and ignores clock ticks.
 * Cards use `content-visibility: auto`, so the browser already tracks this and says so with
 * `contentvisibilityautostatechange`; observing it costs nothing extra per frame. Browsers
 * without that event fall back to one shared IntersectionObserver.
 */

type Listener = (visible: boolean) => void;

interface AutoStateChangeEvent extends Event {
  skipped: boolean;
}

const listeners = new WeakMap<Element, Listener>();
let observer: IntersectionObserver | null = null;

function onAutoState(event: Event): void {
  listeners.get(event.currentTarget as Element)?.(!(event as AutoStateChangeEvent).skipped);
}

function sharedObserver(): IntersectionObserver | null {
  if (observer || typeof IntersectionObserver === 'undefined') return observer;
  observer = new IntersectionObserver(
    (records) => {
      for (const r of records) listeners.get(r.target)?.(r.isIntersecting);
    },
    // Start a little before a card scrolls in, so its code is ready when it appears.
    { rootMargin: '200px 0px' },
  );
  return observer;
}

/**
 * Calls `listener` whenever `element` (styled `content-visibility: auto`) starts or stops being
 * rendered.
 *
 * @returns false when the browser cannot tell, in which case treat the element as visible
 * @example observeVisibility(this, (visible) => (this.visible = visible));
 */
export function observeVisibility(element: HTMLElement, listener: Listener): boolean {
  listeners.set(element, listener);
  if ('oncontentvisibilityautostatechange' in element) {
    element.addEventListener('contentvisibilityautostatechange', onAutoState);
    return true;
  }
  const io = sharedObserver();
  if (!io) return false;
  io.observe(element);
  return true;
}

/** Stops watching `element`. */
export function unobserveVisibility(element: HTMLElement): void {
  listeners.delete(element);
  element.removeEventListener('contentvisibilityautostatechange', onAutoState);
  observer?.unobserve(element);
}
