import { toUserListItem, type UserListRow } from './rows.ts';
import {
  USER_SCAN_WINDOW_END,
  type UserPageShape,
  userCountStatement,
  userPageStatement,
} from './statements.ts';
import type { UserCount, UserFilters, UserPage, UserQuery } from './types.ts';

/**
 * Users a search that no index can serve reads per page, at most: a page of such a search may
 * come back with fewer than `limit` users and a `nextCursor` to read on from.
 */
export const SEARCH_SCAN_WINDOW = 5_000;

// Both indexes are of trigrams: FTS5 needs three characters, pg_trgm three letters or digits in
// a row (it splits words at anything else). A query without such a run is read by window.
const INDEXABLE = /[\p{L}\p{N}]{3}/u;

/** Runs one statement with positional values on a store's read path and gives its rows. */
export type RunRows = <R>(text: string, values: unknown[]) => Promise<R[]>;

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
// Inside an FTS5 string only the double quote is special; the phrase matches the substring.
const ftsPhrase = (q: string) => `"${q.replaceAll('"', '""')}"`;

/**
 * One page of the admin listing, the same way on both stores: filters by kind and MFA state and
 * a case-insensitive substring of username or name (trigram-indexed from three letters or
 * digits, read by bounded window below that), in id order after `cursor`.
 *
 * @example const page = await listUserPage('sqlite', { q: 'ann', limit: 10 }, runRows);
 */
export async function listUserPage(
  dialect: 'sqlite' | 'postgres',
  query: UserQuery,
  run: RunRows,
): Promise<UserPage> {
  const cursor = query.cursor ?? 0;
  const search = searchKind(query.q);
  let windowEnd: number | null = null;
  if (search === 'scan') {
    const [end] = await run<{ id: number }>(USER_SCAN_WINDOW_END, [cursor, SEARCH_SCAN_WINDOW - 1]);
    windowEnd = end?.id ?? null;
  }
  const { shape, values } = filtersOf(dialect, query, windowEnd);
  const rows = await run<UserListRow>(userPageStatement(dialect, shape), [
    cursor,
    query.limit + 1,
    ...values,
  ]);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? last.id : windowEnd;
  return { users: page.map(toUserListItem), nextCursor };
}

/**
 * How many users the listing's filters match, counted up to `cap` (`capped` when there are
 * more): a cost bounded by the cap. A search the index cannot serve (no three letters or
 * digits in a row) would have to read every user, so it is not counted (`count` null).
 *
 * @example const { count, capped } = await countUserMatches('sqlite', { kind: 'contact' }, 10_000, runRows);
 */
export async function countUserMatches(
  dialect: 'sqlite' | 'postgres',
  filters: UserFilters,
  cap: number,
  run: RunRows,
): Promise<UserCount> {
  if (searchKind(filters.q) === 'scan') return { count: null, capped: false };
  const { shape, values } = filtersOf(dialect, filters, null);
  const [row] = await run<{ n: number | string }>(userCountStatement(dialect, shape), [
    0,
    cap + 1,
    ...values,
  ]);
  const n = Number(row?.n ?? 0);
  return n > cap ? { count: cap, capped: true } : { count: n, capped: false };
}

const searchKind = (q: string | undefined) =>
  !q ? undefined : INDEXABLE.test(q) ? ('index' as const) : ('scan' as const);

/** The shape of a listing's statement and its values after `$1` and `$2`, in their order. */
function filtersOf(dialect: 'sqlite' | 'postgres', filters: UserFilters, windowEnd: number | null) {
  const search = searchKind(filters.q);
  const shape: UserPageShape = {
    kind: filters.kind !== undefined,
    mfa: filters.mfa,
    search,
    windowEnd: windowEnd !== null,
  };
  const values: unknown[] = [];
  if (filters.kind) values.push(filters.kind);
  if (search && filters.q) {
    values.push(
      dialect === 'sqlite' && search === 'index' ? ftsPhrase(filters.q) : likePattern(filters.q),
    );
  }
  if (windowEnd !== null) values.push(windowEnd);
  return { shape, values };
}
