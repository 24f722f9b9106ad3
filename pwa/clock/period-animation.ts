/**
 * Compositor animations in step with TOTP time steps: each repeats every `cycle` ms and its
 * iterations begin at whole multiples of `cycle` in Unix time, as time steps do (RFC 6238 §4.2,
 * T = floor(unix / X)). They animate only opacity and transform, so once started the compositor
 * draws every change by itself: a period boundary needs no main-thread frame.
 */

/** A running animation and the cycle (ms) it keeps in step with. */
export interface SteppedAnimation {
  animation: Animation;
  cycle: number;
}

/** Maps a wall-clock instant to animation-timeline time (see `SharedClock.timelineAt`). */
export type TimelineAt = (wall: number) => number;

/**
 * Starts `keyframes` on `element`, repeating every `cycle` ms in step with the wall clock.
 *
 * @param now the current wall-clock time, ms since the epoch
 * @example animateInStep(bar, drainKeyframes(30), 30_000, clock.now, (t) => clock.timelineAt(t));
 */
export function animateInStep(
  element: Element,
  keyframes: Keyframe[],
  cycle: number,
  now: number,
  timelineAt: TimelineAt,
): SteppedAnimation {
  const animation = element.animate(keyframes, {
    duration: cycle,
    iterations: Number.POSITIVE_INFINITY,
  });
  const stepped = { animation, cycle };
  retime(stepped, now, timelineAt);
  return stepped;
}

/**
 * Puts a stepped animation back in step, e.g. after the system clock was set. An explicit start
 * time also avoids the lag of a CSS animation, which starts whenever the compositor first draws it.
 */
export function retime({ animation, cycle }: SteppedAnimation, now: number, at: TimelineAt): void {
  animation.startTime = at(now - (((now % cycle) + cycle) % cycle));
}

/**
 * Keyframes that hold `property` at `before` until fraction `at` of the cycle, then switch to
 * `after` at once (a step-end segment, which the compositor draws like any other).
 *
 * @example stepKeyframes('opacity', 1, 0, 0.5) // shown in the first half of each cycle
 */
export function stepKeyframes(
  property: 'opacity',
  before: number,
  after: number,
  at: number,
): Keyframe[] {
  return [
    { offset: 0, [property]: before, easing: 'step-end' },
    { offset: at, [property]: after },
    { offset: 1, [property]: after },
  ];
}

/**
 * A countdown bar draining from full to empty over each cycle in `steps` even steps, e.g. one a
 * second: between steps nothing changes, so the compositor draws no frame (a smooth drain made it
 * draw, and tell the main thread it had presented, 60 times a second).
 *
 * @example drainKeyframes(30) // shows 30/30 … 1/30 of the bar, a second each
 */
export function drainKeyframes(steps: number): Keyframe[] {
  return [{ transform: 'scaleX(1)', easing: `steps(${steps})` }, { transform: 'scaleX(0)' }];
}

/**
 * Moves a column of the numbers `steps` … 1 (one a line, in a box one line tall) up one line a
 * step, so the box shows the whole seconds left, drawn by the compositor like the bar.
 *
 * @example countdownKeyframes(30) // shows 30, 29 … 1, a second each
 */
export function countdownKeyframes(steps: number): Keyframe[] {
  return [
    { transform: 'translateY(0)', easing: `steps(${steps})` },
    { transform: 'translateY(-100%)' },
  ];
}
