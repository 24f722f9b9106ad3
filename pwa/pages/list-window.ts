/**
 * Which rows of a long list of equal-height rows to put in the DOM: the rows in the viewport plus
 * `overscan` rows on each side. Everything else is a spacer, so the work of a period rollover (and
 * of any list-wide change) depends on the screen size, not on the number of accounts.
 */

/** The rows to render, `start` inclusive, `end` exclusive. */
export interface RowRange {
  start: number;
  end: number;
}

/** Where the list is and how big the rows are. */
export interface ListGeometry {
  /** Number of rows in the list. */
  count: number;
  /** Height of one row including the gap after it, in px. */
  rowHeight: number;
  /** The list's top edge relative to the viewport's top (negative once scrolled past). */
  listTop: number;
  /** Height of the viewport in px. */
  viewportHeight: number;
  /** Rows kept rendered beyond each edge of the viewport. */
  overscan: number;
}

/**
 * The rows of the list that touch the viewport, widened by `overscan` on both sides and clamped
 * to the list.
 *
 * @example
 * listWindow({ count: 500, rowHeight: 200, listTop: -1000, viewportHeight: 740, overscan: 2 });
 * // { start: 3, end: 11 }
 */
export function listWindow(g: ListGeometry): RowRange {
  if (g.count <= 0 || g.rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(-g.listTop / g.rowHeight);
  const last = Math.ceil((g.viewportHeight - g.listTop) / g.rowHeight);
  const start = Math.min(Math.max(0, first - g.overscan), g.count);
  const end = Math.max(Math.min(g.count, last + g.overscan), start);
  return { start, end };
}
