import { describe, expect, it } from 'vitest';
import { msToNextSecond, nextBoundary, secondsLeft, stepAt } from './period-math.ts';

describe('period arithmetic', () => {
  it('puts a boundary instant in the new step', () => {
    expect(stepAt(59_999, 30)).toBe(1);
    expect(stepAt(60_000, 30)).toBe(2);
  });

  it('counts seconds left from the period down to one', () => {
    expect(secondsLeft(60_000, 30)).toBe(30);
    expect(secondsLeft(60_999, 30)).toBe(30);
    expect(secondsLeft(89_000, 30)).toBe(1);
    expect(secondsLeft(89_999, 30)).toBe(1);
  });

  it('finds the end of the current step', () => {
    expect(nextBoundary(61_234, 30)).toBe(90_000);
    expect(nextBoundary(90_000, 30)).toBe(120_000);
    expect(nextBoundary(1_000, 60)).toBe(60_000);
  });

  it('waits a full second when already on a whole second', () => {
    expect(msToNextSecond(5_000)).toBe(1000);
    expect(msToNextSecond(5_999)).toBe(1);
    expect(msToNextSecond(5_250)).toBe(750);
  });
});
