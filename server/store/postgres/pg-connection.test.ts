import { describe, expect, it } from 'vitest';
import { reconnectBackoff } from './pg-connection.ts';

describe('reconnectBackoff', () => {
  it('starts within tens of milliseconds and never waits more than a second', () => {
    for (let n = 0; n < 200; n++) {
      for (const retries of [0, 1, 3, 5, 8, 20, 100]) {
        const delay = reconnectBackoff(retries);
        expect(delay).toBeGreaterThan(0);
        expect(delay).toBeLessThanOrEqual(1);
      }
      expect(reconnectBackoff(0)).toBeLessThanOrEqual(0.05);
    }
    // Past a few failures it sits at the cap (0.5–1 s), where postgres.js' default reaches 20 s.
    expect(reconnectBackoff(30)).toBeGreaterThanOrEqual(0.5);
  });
});
