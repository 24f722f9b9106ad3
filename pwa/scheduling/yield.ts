/**
 * Ways to let the browser paint before doing more work: the first screen of a long list shows
 * first, the rest follows.
 */

/**
 * Runs `fn` in a new task. A MessageChannel message, not setTimeout: it is not clamped, and test
 * clocks that freeze timers do not freeze it.
 *
 * @example nextTask(() => (this.rendered += 100));
 */
export function nextTask(fn: () => void): void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    fn();
  };
  channel.port2.postMessage(null);
}

/**
 * Resolves in the task after the next frame was painted (or after 100 ms when no frame comes,
 * e.g. in a background tab).
 *
 * @example await afterPaint(); // the first screen is on the glass now
 */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const go = (): void => {
      if (done) return;
      done = true;
      nextTask(resolve);
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(go);
    setTimeout(go, 100);
  });
}
