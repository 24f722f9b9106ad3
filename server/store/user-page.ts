import { toUserListItem, type UserListRow } from './rows.ts';
import { USER_SCAN_WINDOW_END, type UserPageShape, userPageStatement } from './statements.ts';
import type { UserPage, UserQuery } from './types.ts';

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
  const q = query.q ?? '';
  const search = q === '' ? undefined : INDEXABLE.test(q) ? 'index' : 'scan';
  let windowEnd: number | null = null;
  if (search === 'scan') {
    const [end] = await run<{ id: number }>(USER_SCAN_WINDOW_END, [cursor, SEARCH_SCAN_WINDOW - 1]);
    windowEnd = end?.id ?? null;
  }
  const shape: UserPageShape = {
    kind: query.kind !== undefined,
    mfa: query.mfa,
    search,
    windowEnd: windowEnd !== null,
  };
  const values: unknown[] = [cursor, query.limit + 1];
  if (query.kind) values.push(query.kind);
  if (search)
    values.push(dialect === 'sqlite' && search === 'index' ? ftsPhrase(q) : likePattern(q));
  if (windowEnd !== null) values.push(windowEnd);
  const rows = await run<UserListRow>(userPageStatement(dialect, shape), values);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? last.id : windowEnd;
  return { users: page.map(toUserListItem), nextCursor };
}
