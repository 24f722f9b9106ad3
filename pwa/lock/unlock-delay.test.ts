import { describe, expect, it } from 'vitest';
import { MAX_UNLOCK_WAIT_MS, unlockWait } from './unlock-delay.ts';

describe('unlockWait', () => {
  it.each([
    [0, 0],
    [1, 0],
    [3, 0],
    [4, 2000],
    [5, 4000],
    [6, 8000],
    [11, 256_000],
    [12, MAX_UNLOCK_WAIT_MS],
    [1000, MAX_UNLOCK_WAIT_MS],
  ])('owes after %i wrong passphrases %i ms', (failures, wait) => {
    expect(unlockWait(failures)).toBe(wait);
  });
});
