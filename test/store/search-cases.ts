/**
 * Search cases both stores must answer alike: prefixes, substrings across the dot and the at
 * sign, case, LIKE's own wildcards, one and two characters (read by window), and users whose
 * names hold what an index could get wrong.
 */
import type { NewUser, Store, UserListItem } from '../../server/store/contract.ts';
import { personOf } from '../support/population.ts';

const special = (username: string, name: string): NewUser => ({
  username,
  name,
  kind: 'contact',
  role: 'user',
  authType: 'password',
  passwordHash: null,
});

/** Added after the seeded population, through the store. */
export const specialPeople: NewUser[] = [
  special('percent@odd.test', 'Carol 50% Off'),
  special('under_score@odd.test', 'Ann_Marie'),
  special('quote"d@odd.test', 'Say "Hi"'),
  special('mixed@odd.test', 'McDONALD MacLeod'),
];

export const searchCases = [
  'smith1',
  'ANNA.SMITH',
  'a.sm',
  'meyer10@',
  '@bms.test',
  'hooli',
  'macleod',
  'mcdonald macl',
  '50%',
  '50% off',
  '_marie',
  'n_m',
  '"hi"',
  'say "',
  'zz',
  'x',
  '%',
  'nothing-like-this',
];

/** The ids a case-insensitive substring filter finds among `users` seeded users and the rest. */
export function expectedSearch(q: string, users: number, added: UserListItem[]): number[] {
  const needle = q.toLowerCase();
  const hit = (p: { username: string; name: string }) =>
    p.username.toLowerCase().includes(needle) || p.name.toLowerCase().includes(needle);
  const ids: number[] = [];
  for (let i = 1; i <= users; i++) if (hit(personOf(i))) ids.push(i);
  for (const u of added) if (hit(u)) ids.push(u.id);
  return ids;
}

/**
 * Every id a search finds, following its cursor through every page (a window read finds none
 * on some pages but still says where to go on).
 */
export async function searchAll(store: Store, q: string): Promise<number[]> {
  const found: number[] = [];
  let cursor: number | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await store.listUsers({ q, limit: 200, cursor });
    found.push(...page.users.map((u) => u.id));
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  return found;
}

/** What `countUserMatches` must answer for `q` with `cap`, given every id the search finds. */
export function expectedCount(q: string, found: number[], cap: number) {
  // No three letters or digits in a row: no index serves it, so it is not counted.
  if (!/[\p{L}\p{N}]{3}/u.test(q)) return { count: null, capped: false };
  return found.length > cap ? { count: cap, capped: true } : { count: found.length, capped: false };
}
