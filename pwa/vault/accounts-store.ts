import type { IDBPTransaction } from 'idb';
import { type AccountRecord, plainKeyId, type VaultDb, type VaultSchema } from './vault-db.ts';
import { VaultErrorCode } from './vault-errors.ts';

/**
 * The `accounts` object store: sealed records only, no crypto here. Callers seal first, then
 * call these, because a transaction must not await anything but IndexedDB.
 *
 * Every write names the key its records were sealed under (`keyId`) and goes on only while that
 * is still the vault's key, checked in the write's own transaction: a tab that missed another
 * tab's lock change gets `VAULT_LOCKED` and writes nothing, rather than records no key opens.
 */

type WriteTx = IDBPTransaction<VaultSchema, ('accounts' | 'meta' | 'lock')[], 'readwrite'>;

async function writeTx(db: VaultDb, keyId: string): Promise<WriteTx> {
  const tx = db.transaction(['accounts', 'meta', 'lock'], 'readwrite');
  const plain = await tx.objectStore('meta').get('vault-key');
  const lock = plain ? undefined : await tx.objectStore('lock').get('lock');
  const current = plain ? plainKeyId(plain) : lock?.kind === 'lock' ? lock.keyId : null;
  if (current === keyId) return tx;
  tx.abort();
  await tx.done.catch(() => undefined);
  throw new Error(VaultErrorCode.VAULT_LOCKED);
}

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
  keyId: string,
  records: Omit<AccountRecord, 'order'>[],
): Promise<AccountRecord[]> {
  const tx = await writeTx(db, keyId);
  const store = tx.objectStore('accounts');
  const last = await store.index('by-order').openCursor(null, 'prev');
  let order = last ? last.value.order + 1 : 0;
  const stored = records.map((r) => ({ ...r, order: order++ }));
  // `add` (not `put`) so an id collision aborts the whole batch instead of overwriting.
  await Promise.all([...stored.map((r) => store.add(r)), tx.done]);
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
  keyId: string,
  added: Omit<AccountRecord, 'order'>[],
  replaced: Omit<AccountRecord, 'order'>[],
): Promise<boolean> {
  const tx = await writeTx(db, keyId);
  const store = tx.objectStore('accounts');
  const currents = await Promise.all(replaced.map((r) => store.get(r.id)));
  if (currents.some((c) => !c)) {
    tx.abort();
    await tx.done.catch(() => undefined);
    return false;
  }
  const last = await store.index('by-order').openCursor(null, 'prev');
  let order = last ? last.value.order + 1 : 0;
  const writes = [
    ...replaced.map((r, i) => store.put({ ...r, order: currents[i]?.order ?? 0 })),
    ...added.map((r) => store.add({ ...r, order: order++ })),
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
  keyId: string,
  next: Omit<AccountRecord, 'order'>,
): Promise<AccountRecord | null> {
  const tx = await writeTx(db, keyId);
  const store = tx.objectStore('accounts');
  const current = await store.get(next.id);
  if (!current) {
    await tx.done;
    return null;
  }
  const stored = { ...next, order: current.order };
  await Promise.all([store.put(stored), tx.done]);
  return stored;
}

/** Deletes a record and returns it as it was (for undo), or null when absent. */
export async function deleteRecord(
  db: VaultDb,
  keyId: string,
  id: string,
): Promise<AccountRecord | null> {
  const tx = await writeTx(db, keyId);
  const store = tx.objectStore('accounts');
  const current = await store.get(id);
  if (current) await store.delete(id);
  await tx.done;
  return current ?? null;
}

/** Puts back a record removed by {@link deleteRecord}, at its old position. */
export async function putRecord(db: VaultDb, keyId: string, record: AccountRecord): Promise<void> {
  const tx = await writeTx(db, keyId);
  await Promise.all([tx.objectStore('accounts').put(record), tx.done]);
}

/**
 * Gives the records the positions of `ids` (first id → position 0). Only records whose
 * position changes are written; ids not in the store are ignored.
 */
export async function writeOrder(
  db: VaultDb,
  keyId: string,
  ids: readonly string[],
): Promise<void> {
  const tx = await writeTx(db, keyId);
  const store = tx.objectStore('accounts');
  const writes: Promise<unknown>[] = [];
  for (const [order, id] of ids.entries()) {
    const record = await store.get(id);
    if (record && record.order !== order) writes.push(store.put({ ...record, order }));
  }
  await Promise.all([...writes, tx.done]);
}
