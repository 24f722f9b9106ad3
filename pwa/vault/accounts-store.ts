import type { AccountRecord, VaultDb } from './vault-db.ts';

/**
 * The `accounts` object store: sealed records only, no crypto here. Callers seal first, then
 * call these, because a transaction must not await anything but IndexedDB.
 */

/** All records in list order, or the first `count`. */
export async function readAllRecords(db: VaultDb, count?: number): Promise<unknown[]> {
  // Typed as unknown: a record written by a buggy or older build must be checked, not trusted.
  return db.getAllFromIndex('accounts', 'by-order', null, count);
}

/**
 * Appends records after the last one, in one transaction: all land or none does.
 *
 * @returns the records as stored, with their positions
 */
export async function appendRecords(
  db: VaultDb,
  records: Omit<AccountRecord, 'order'>[],
): Promise<AccountRecord[]> {
  const tx = db.transaction('accounts', 'readwrite');
  const last = await tx.store.index('by-order').openCursor(null, 'prev');
  let order = last ? last.value.order + 1 : 0;
  const stored = records.map((r) => ({ ...r, order: order++ }));
  // `add` (not `put`) so an id collision aborts the whole batch instead of overwriting.
  await Promise.all([...stored.map((r) => tx.store.add(r)), tx.done]);
  return stored;
}

/**
 * Appends `added` and replaces the sealed content of `replaced` (keeping their positions), in one
 * transaction: an import lands whole or not at all.
 *
 * @returns false, with nothing written, when a record to replace no longer exists
 */
export async function appendAndReplace(
  db: VaultDb,
  added: Omit<AccountRecord, 'order'>[],
  replaced: Omit<AccountRecord, 'order'>[],
): Promise<boolean> {
  const tx = db.transaction('accounts', 'readwrite');
  const currents = await Promise.all(replaced.map((r) => tx.store.get(r.id)));
  if (currents.some((c) => !c)) {
    tx.abort();
    await tx.done.catch(() => undefined);
    return false;
  }
  const last = await tx.store.index('by-order').openCursor(null, 'prev');
  let order = last ? last.value.order + 1 : 0;
  const writes = [
    ...replaced.map((r, i) => tx.store.put({ ...r, order: currents[i]?.order ?? 0 })),
    ...added.map((r) => tx.store.add({ ...r, order: order++ })),
  ];
  await Promise.all([...writes, tx.done]);
  return true;
}

/**
 * Replaces the sealed content of an existing record, keeping its position.
 *
 * @returns the stored record, or null when no record has that id
 */
export async function replaceSealed(
  db: VaultDb,
  next: Omit<AccountRecord, 'order'>,
): Promise<AccountRecord | null> {
  const tx = db.transaction('accounts', 'readwrite');
  const current = await tx.store.get(next.id);
  if (!current) {
    await tx.done;
    return null;
  }
  const stored = { ...next, order: current.order };
  await Promise.all([tx.store.put(stored), tx.done]);
  return stored;
}

/** Deletes a record and returns it as it was (for undo), or null when absent. */
export async function deleteRecord(db: VaultDb, id: string): Promise<AccountRecord | null> {
  const tx = db.transaction('accounts', 'readwrite');
  const current = await tx.store.get(id);
  if (current) await tx.store.delete(id);
  await tx.done;
  return current ?? null;
}

/** Puts back a record removed by {@link deleteRecord}, at its old position. */
export async function putRecord(db: VaultDb, record: AccountRecord): Promise<void> {
  await db.put('accounts', record);
}

/**
 * Gives the records the positions of `ids` (first id → position 0). Only records whose
 * position changes are written; ids not in the store are ignored.
 */
export async function writeOrder(db: VaultDb, ids: readonly string[]): Promise<void> {
  const tx = db.transaction('accounts', 'readwrite');
  const writes: Promise<unknown>[] = [];
  for (const [order, id] of ids.entries()) {
    const record = await tx.store.get(id);
    if (record && record.order !== order) writes.push(tx.store.put({ ...record, order }));
  }
  await Promise.all([...writes, tx.done]);
}
