import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CountdownController, formatSeconds } from './countdown-controller.ts';

describe('formatSeconds', () => {
  it.each([
    [0, '0:00'],
    [9, '0:09'],
    [75, '1:15'],
    [600, '10:00'],
    [3725, '1:02:05'],
    [-4, '0:00'],
    [59.9, '0:59'],
  ])('formats %s s as %s', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });
});

describe('CountdownController', () => {
  beforeEach(() => void vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => void vi.useRealTimers());

  function host() {
    const controllers: { hostDisconnected?(): void }[] = [];
    return {
      updates: 0,
      controllers,
      addController(c: { hostDisconnected?(): void }) {
        controllers.push(c);
      },
      removeController() {},
      requestUpdate() {
        this.updates++;
      },
      updateComplete: Promise.resolve(true),
    };
  }

  it('counts whole seconds down, re-rendering the host, and calls onDone once at zero', () => {
    const h = host();
    const done = vi.fn();
    const countdown = new CountdownController(h, done);
    countdown.start(3);
    expect([countdown.running, countdown.remaining]).toEqual([true, 3]);
    vi.advanceTimersByTime(1000);
    expect(countdown.remaining).toBe(2);
    vi.advanceTimersByTime(2000);
    expect([countdown.running, countdown.remaining]).toEqual([false, 0]);
    expect(done).toHaveBeenCalledTimes(1);
    expect(h.updates).toBeGreaterThanOrEqual(4);
    vi.advanceTimersByTime(5000);
    expect(done).toHaveBeenCalledTimes(1);
  });

  it('stops when the host is disconnected, leaving no timer behind', () => {
    const h = host();
    const done = vi.fn();
    const countdown = new CountdownController(h, done);
    countdown.start(60);
    h.controllers[0]!.hostDisconnected!();
    expect(countdown.running).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(120_000);
    expect(done).not.toHaveBeenCalled();
  });
});
