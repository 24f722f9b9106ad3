import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listWindow } from './list-window.ts';

const base = { count: 500, rowHeight: 200, viewportHeight: 740, overscan: 2 };

describe('listWindow', () => {
  it('renders the rows that touch the viewport at the top, plus the overscan below', () => {
    expect(listWindow({ ...base, listTop: 100 })).toEqual({ start: 0, end: 6 });
  });

  it('follows the scroll position, with overscan on both sides', () => {
    expect(listWindow({ ...base, listTop: -1000 })).toEqual({ start: 3, end: 11 });
  });

  it('clamps at the end of the list and for short lists', () => {
    expect(listWindow({ ...base, listTop: -99_800 })).toEqual({ start: 497, end: 500 });
    expect(listWindow({ ...base, count: 3, listTop: 0 })).toEqual({ start: 0, end: 3 });
    expect(listWindow({ ...base, count: 0, listTop: 0 })).toEqual({ start: 0, end: 0 });
  });

  it('always covers every row in the viewport and stays bounded whatever the list size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: -3_000_000, max: 2_000 }),
        (count, listTop) => {
          const { start, end } = listWindow({ ...base, count, listTop });
          expect(0 <= start && start <= end && end <= count).toBe(true);
          expect(end - start).toBeLessThanOrEqual(Math.ceil(740 / 200) + 1 + 2 * base.overscan);
          for (let i = 0; i < count; i++) {
            const top = listTop + i * base.rowHeight;
            if (top < 740 && top + base.rowHeight > 0) {
              expect(i >= start && i < end).toBe(true);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
