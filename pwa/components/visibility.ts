/**
 * One IntersectionObserver for every card: a card off screen computes no codes and ignores
 * clock ticks, which keeps a rollover with hundreds of accounts within a frame.
 */

type Listener = (visible: boolean) => void;

const listeners = new WeakMap<Element, Listener>();
let observer: IntersectionObserver | null = null;

function shared(): IntersectionObserver | null {
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
 * Calls `listener` whenever `element` enters or leaves the viewport (plus a margin).
 *
 * @returns false when the browser cannot observe, in which case treat the element as visible
 * @example observeVisibility(this, (visible) => (this.visible = visible));
 */
export function observeVisibility(element: Element, listener: Listener): boolean {
  const io = shared();
  if (!io) return false;
  listeners.set(element, listener);
  io.observe(element);
  return true;
}

/** Stops watching `element`. */
export function unobserveVisibility(element: Element): void {
  listeners.delete(element);
  observer?.unobserve(element);
}
