/**
 * Time-step arithmetic shared by the clock and the cards (RFC 6238 §4: T = floor(unix / X)).
 * All times are milliseconds since the epoch; periods are whole seconds.
 */

/** The TOTP time step that `now` falls in. */
export function stepAt(now: number, period: number): number {
  return Math.floor(now / 1000 / period);
}

/**
 * Whole seconds left before the code changes, from `period` right at a boundary down to 1.
 *
 * @example secondsLeft(29_000, 30) // 1
 */
export function secondsLeft(now: number, period: number): number {
  return period - (Math.floor(now / 1000) % period);
}

/** The instant the current step of `period` ends. */
export function nextBoundary(now: number, period: number): number {
  return (stepAt(now, period) + 1) * period * 1000;
}

/** Milliseconds until the next whole second: every period boundary is a whole second. */
export function msToNextSecond(now: number): number {
  return 1000 - (((now % 1000) + 1000) % 1000);
}
