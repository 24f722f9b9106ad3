import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stepAt } from './period-math.ts';
import { type ClockSubscriber, SharedClock } from './shared-clock.ts';

const timers = {
  now: () => Date.now(),
  timeline: () => performance.now(),
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

function stepWatcher(period: number): ClockSubscriber & { changes: number[] } {
  const changes: number[] = [];
  return {
    changes,
    clockKey: (now) => stepAt(now, period),
    clockChanged: (now) => changes.push(now),
  };
}

describe('SharedClock', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000_000_250);
  });
  afterEach(() => vi.useRealTimers());

  it('notifies a subscriber exactly at the period boundary, not before', () => {
    const clock = new SharedClock(timers);
    const card = stepWatcher(30);
    clock.add(card);
    const boundary = (stepAt(Date.now(), 30) + 1) * 30_000;
    vi.advanceTimersByTime(boundary - Date.now() - 1);
    expect(card.changes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(card.changes).toEqual([boundary]);
  });

  it('keeps one timer however many subscribers there are', () => {
    const clock = new SharedClock(timers);
    const cards = Array.from({ length: 200 }, (_, i) => stepWatcher(i % 2 ? 30 : 60));
    for (const card of cards) clock.add(card);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(60_000);
    expect(vi.getTimerCount()).toBe(1);
    expect(cards[1]?.changes.length).toBe(2);
    expect(cards[0]?.changes.length).toBe(1);
  });

  it('leaves subscribers whose key did not change alone', () => {
    const clock = new SharedClock(timers);
    const hidden: ClockSubscriber & { calls: number } = {
      calls: 0,
      clockKey: () => 'hidden',
      clockChanged() {
        this.calls++;
      },
    };
    clock.add(hidden);
    vi.advanceTimersByTime(120_000);
    expect(hidden.calls).toBe(0);
  });

  it('stops its timer when the last subscriber leaves', () => {
    const clock = new SharedClock(timers);
    const card = stepWatcher(30);
    clock.add(card);
    clock.delete(card);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('counts a shift when the wall clock jumps against the animation timeline', () => {
    const clock = new SharedClock(timers);
    const card = stepWatcher(30);
    clock.add(card);
    const before = clock.timelineAt(Date.now());
    vi.advanceTimersByTime(5_000);
    expect(clock.shifts).toBe(0);
    expect(clock.timelineAt(Date.now()) - before).toBeCloseTo(5_000, -1);
    // The system clock is set 3 s ahead; the timeline (monotonic) does not move with it.
    vi.setSystemTime(Date.now() + 3_000);
    vi.advanceTimersByTime(1_000);
    expect(clock.shifts).toBe(1);
    expect(clock.timelineAt(Date.now()) - before).toBeCloseTo(6_000, -1);
  });

  it('catches up at once on tick() after timers were throttled', () => {
    const clock = new SharedClock(timers);
    const card = stepWatcher(30);
    clock.add(card);
    vi.setSystemTime(Date.now() + 95_000);
    clock.tick();
    expect(card.changes).toHaveLength(1);
  });
});
