import { readAllRecords } from './accounts-store.ts';
import { openJson, sealJson } from './record-cipher.ts';
import {
  type AccountRecord,
  isAccountRecord,
  type LockRecord,
  plainKeyId,
  type ThrottleRecord,
  type VaultDb,
} from './vault-db.ts';

/**
 * The `lock` object store: the wrapped vault key and the wrong-passphrase count. No crypto here
 * but the one re-sealing of {@link lockUnderNewKey}, done before its transaction opens.
 */

function isLock(value: unknown): value is LockRecord {
  return (value as { kind?: unknown } | undefined)?.kind === 'lock';
}

/** The app lock, or null when the vault has none. */
export async function readLock(db: VaultDb): Promise<LockRecord | null> {
  const value = await db.get('lock', 'lock');
  return isLock(value) ? value : null;
}

/** What {@link lockUnderNewKey} did. */
export type LockSetResult = 'LOCKED' | 'ALREADY_LOCKED' | 'CHANGED_MEANWHILE' | 'KEY_CHANGED';

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * Sets the first app lock: re-seals every record from `oldKey` to `newKey`, stores `lock` (which
 * holds `newKey` only wrapped) and deletes the plain stored key, in one transaction over the
 * three stores, so a failure leaves the vault as it was. Records that do not open under `oldKey`
 * (already unreadable) are left as they are.
 *
 * `KEY_CHANGED` when the stored key is no longer `oldKeyId` (this tab missed a change).
 * Another tab may write between the read and the transaction: the transaction compares every
 * record's id and IV with what was re-sealed and, when any differ, writes nothing and answers
 * `CHANGED_MEANWHILE` (call again).
 *
 * @example await lockUnderNewKey(db, vault.key, fresh, lock);
 */
export async function lockUnderNewKey(
  db: VaultDb,
  oldKeyId: string,
  oldKey: CryptoKey,
  newKey: CryptoKey,
  lock: LockRecord,
): Promise<LockSetResult> {
  const records = (await readAllRecords(db)).filter(isAccountRecord);
  const resealed: AccountRecord[] = [];
  for (const record of records) {
    const value = await openJson(oldKey, record.id, record.iv, record.sealed);
    if (value !== null) resealed.push({ ...record, ...(await sealJson(newKey, record.id, value)) });
  }
  const seen = new Map(records.map((r) => [r.id, hex(r.iv)]));
  const tx = db.transaction(['meta', 'accounts', 'lock'], 'readwrite');
  const abort = async (result: LockSetResult): Promise<LockSetResult> => {
    tx.abort();
    await tx.done.catch(() => undefined);
    return result;
  };
  if (isLock(await tx.objectStore('lock').get('lock'))) return abort('ALREADY_LOCKED');
  const plain = await tx.objectStore('meta').get('vault-key');
  if (!plain || plainKeyId(plain) !== oldKeyId) return abort('KEY_CHANGED');
  const now = (await tx.objectStore('accounts').getAll()).filter(isAccountRecord);
  if (now.length !== seen.size || now.some((r) => seen.get(r.id) !== hex(r.iv)))
    return abort('CHANGED_MEANWHILE');
  const orders = new Map(now.map((r) => [r.id, r.order]));
  await Promise.all([
    ...resealed.map((r) =>
      tx.objectStore('accounts').put({ ...r, order: orders.get(r.id) ?? r.order }),
    ),
    tx.objectStore('lock').put(lock, 'lock'),
    tx.objectStore('lock').delete('throttle'),
    tx.objectStore('meta').delete('vault-key'),
    tx.done,
  ]);
  return 'LOCKED';
}

/**
 * Changes the lock in one read-modify-write transaction (new passphrase wrapping, passkey added
 * or removed, idle settings). Accounts are not touched: the vault key stays the same.
 *
 * @returns false, with nothing written, when the vault has no lock (removed in another tab)
 */
export async function updateLock(
  db: VaultDb,
  change: (lock: LockRecord) => LockRecord,
): Promise<boolean> {
  const tx = db.transaction('lock', 'readwrite');
  const current = await tx.store.get('lock');
  if (!isLock(current)) {
    await tx.done;
    return false;
  }
  await Promise.all([tx.store.put(change(current), 'lock'), tx.done]);
  return true;
}

/**
 * Removes the lock: stores `key` (the same vault key, unwrapped as non-extractable) as the plain
 * key again and deletes every wrapping, in one transaction. No record is re-sealed.
 */
export async function removeLock(db: VaultDb, key: CryptoKey, keyId: string): Promise<void> {
  const tx = db.transaction(['meta', 'lock'], 'readwrite');
  await Promise.all([
    tx.objectStore('meta').put({ key, createdAt: Date.now(), keyId }, 'vault-key'),
    tx.objectStore('lock').delete('lock'),
    tx.objectStore('lock').delete('throttle'),
    tx.done,
  ]);
}

function isThrottle(value: unknown): value is ThrottleRecord {
  return (value as { kind?: unknown } | undefined)?.kind === 'throttle';
}

/** Wrong passphrases so far and when the next attempt may start (0 failures when none). */
export async function readThrottle(db: VaultDb): Promise<ThrottleRecord> {
  const value = await db.get('lock', 'throttle');
  return isThrottle(value) ? value : { kind: 'throttle', failures: 0, notBefore: 0 };
}

/**
 * Starts a passphrase attempt: refuses it before `notBefore`, and otherwise counts it as a
 * failure at once (undone by {@link clearFailures} when it succeeds), all in one transaction, so
 * attempts from several tabs at once, or a reload during one, are counted too.
 *
 * @param wait the delay owed after `failures` wrong passphrases, in ms
 * @returns null when the attempt may go on, else the time from which one may
 */
export async function beginAttempt(
  db: VaultDb,
  now: number,
  wait: (failures: number) => number,
): Promise<number | null> {
  const tx = db.transaction('lock', 'readwrite');
  const stored = await tx.store.get('throttle');
  const current = isThrottle(stored)
    ? stored
    : { kind: 'throttle' as const, failures: 0, notBefore: 0 };
  if (current.notBefore > now) {
    await tx.done;
    return current.notBefore;
  }
  const failures = current.failures + 1;
  await Promise.all([
    tx.store.put({ kind: 'throttle', failures, notBefore: now + wait(failures) }, 'throttle'),
    tx.done,
  ]);
  return null;
}

/** After a wrong passphrase: the delay owed counts from now, when the answer was known. */
export async function settleFailure(
  db: VaultDb,
  now: number,
  wait: (failures: number) => number,
): Promise<ThrottleRecord> {
  const tx = db.transaction('lock', 'readwrite');
  const stored = await tx.store.get('throttle');
  const failures = isThrottle(stored) ? stored.failures : 1;
  const next: ThrottleRecord = { kind: 'throttle', failures, notBefore: now + wait(failures) };
  await Promise.all([tx.store.put(next, 'throttle'), tx.done]);
  return next;
}

/** After a right passphrase (or a passkey unlock): no failures owed. */
export async function clearFailures(db: VaultDb): Promise<void> {
  await db.delete('lock', 'throttle');
}
