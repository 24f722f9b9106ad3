import { msToNextSecond } from './period-math.ts';

/** Something that redraws when its view of the time changes. */
export interface ClockSubscriber {
  /** A value that changes exactly when the subscriber must redraw (e.g. its second, or 'hidden'). */
  clockKey(now: number): unknown;
  /** Called on a tick whose key differs from the previous one. */
  clockChanged(now: number): void;
}

/** The timer functions the clock uses; injectable so tests control time. */
export interface Timers {
  now(): number;
  /** The clock of the animation timeline (`document.timeline`), ms: `performance.now()`. */
  timeline(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** ms the wall clock may drift from the animation timeline before animations are re-timed. */
const MAX_TIMELINE_DRIFT = 50;

const browserTimers: Timers = {
  now: () => Date.now(),
  timeline: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * One clock for the whole app: a single timer aligned to whole seconds (every TOTP period boundary
 * is one), however many cards are shown. On each tick it asks every subscriber for its key and
 * notifies only those whose key changed, so a card outside the viewport costs one comparison.
 *
 * @example
 * const clock = new SharedClock();
 * clock.add({ clockKey: (now) => stepAt(now, 30), clockChanged: () => card.requestUpdate() });
 */
export class SharedClock {
  private readonly keys = new Map<ClockSubscriber, unknown>();
  private handle: unknown = null;
  /** Wall-clock time minus timeline time, as of the last resynchronisation. */
  private offset: number;
  private shiftCount = 0;

  constructor(private readonly timers: Timers = browserTimers) {
    this.offset = timers.now() - timers.timeline();
  }

  /** The current time in ms since the epoch. */
  now(): number {
    return this.timers.now();
  }

  /**
   * The animation-timeline time of wall-clock instant `wall`, for starting compositor animations
   * in step with the wall clock (`animation.startTime = clock.timelineAt(boundary)`).
   */
  timelineAt(wall: number): number {
    return wall - this.offset;
  }

  /**
   * How many times the wall clock has moved against the animation timeline (the system clock was
   * set, or the device slept with a timeline that stops meanwhile). Animations timed with
   * `timelineAt` must be timed again when this changes; subscribers can put it in their key.
   */
  get shifts(): number {
    return this.shiftCount;
  }

  /** Starts notifying `subscriber`; its current key is the baseline. */
  add(subscriber: ClockSubscriber): void {
    this.keys.set(subscriber, subscriber.clockKey(this.now()));
    this.schedule();
  }

  /** Stops notifying `subscriber`; the timer stops with the last one. */
  delete(subscriber: ClockSubscriber): void {
    this.keys.delete(subscriber);
    if (this.keys.size === 0 && this.handle !== null) {
      this.timers.clearTimeout(this.handle);
      this.handle = null;
    }
  }

  /** Re-reads `subscriber`'s key now (e.g. it just scrolled into view) and notifies on change. */
  refresh(subscriber: ClockSubscriber): void {
    if (!this.keys.has(subscriber)) return;
    const now = this.now();
    const key = subscriber.clockKey(now);
    if (key !== this.keys.get(subscriber)) {
      this.keys.set(subscriber, key);
      subscriber.clockChanged(now);
    }
  }

  /**
   * Checks every subscriber right away; call when the page becomes visible again, since hidden
   * pages get throttled timers.
   */
  tick(): void {
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = null;
    const now = this.now();
    const offset = now - this.timers.timeline();
    // Within this the two clocks agree to better than a frame; beyond it a swap drawn by the
    // compositor at a period boundary would visibly miss the boundary.
    if (Math.abs(offset - this.offset) > MAX_TIMELINE_DRIFT) {
      this.offset = offset;
      this.shiftCount++;
    }
    for (const [subscriber, previous] of this.keys) {
      const key = subscriber.clockKey(now);
      if (key !== previous) {
        this.keys.set(subscriber, key);
        subscriber.clockChanged(now);
      }
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.handle !== null || this.keys.size === 0) return;
    this.handle = this.timers.setTimeout(() => {
      this.handle = null;
      this.tick();
    }, msToNextSecond(this.now()));
  }
}

/** The app's clock. */
export const sharedClock = new SharedClock();
