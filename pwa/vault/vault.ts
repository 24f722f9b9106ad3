import type { OtpAccount } from '../../sdk/otp/index.ts';
import {
  appendAndReplace,
  appendRecords,
  deleteRecord,
  putRecord,
  readAllRecords,
  replaceSealed,
  writeOrder,
} from './accounts-store.ts';
import { openJson, sealJson } from './record-cipher.ts';
import { type AccountRecord, isAccountRecord, openVaultDb, type VaultDb } from './vault-db.ts';
import { VaultErrorCode } from './vault-errors.ts';
import { loadOrCreateVaultKey } from './vault-key.ts';

/** One decrypted account with its vault id. */
export interface VaultEntry {
  id: string;
  account: OtpAccount;
  addedAt: number;
}

export { VaultErrorCode } from './vault-errors.ts';

/** Why a stored record was skipped. */
export const UnreadableReason = {
  /** The record lacks fields or has the wrong types. */
  MALFORMED: 'MALFORMED',
  /** AES-GCM refused it: tampered, or sealed under another key. */
  UNDECRYPTABLE: 'UNDECRYPTABLE',
} as const;
export type UnreadableReason = (typeof UnreadableReason)[keyof typeof UnreadableReason];

/** A record that could not be read; reported to the user, never shown as an account. */
export interface UnreadableRecord {
  id: string;
  reason: UnreadableReason;
}

/** What {@link Vault.list} gives. */
export interface VaultListing {
  entries: VaultEntry[];
  unreadable: UnreadableRecord[];
}

interface SealedPayload {
  account: OtpAccount;
  addedAt: number;
}

function isPayload(value: unknown): value is SealedPayload {
  if (typeof value !== 'object' || value === null) return false;
  const { account, addedAt } = value as Partial<SealedPayload>;
  return (
    typeof addedAt === 'number' &&
    typeof account === 'object' &&
    account !== null &&
    (account.type === 'totp' || account.type === 'hotp') &&
    typeof account.secret === 'string' &&
    typeof account.label === 'string' &&
    typeof account.digits === 'number' &&
    typeof account.period === 'number'
  );
}

/**
 * The encrypted account vault. Secrets and labels are sealed with AES-GCM under a non-extractable
 * key before any transaction opens; a fresh IV is drawn for every write.
 *
 * @example
 * const vault = await Vault.open();
 * await vault.add([parseKeyUri(uri)]);
 * const { entries, unreadable } = await vault.list();
 */
export class Vault {
  private constructor(
    /** The database, for the app lock's stores (`lock-store.ts`); accounts go through methods. */
    readonly db: VaultDb,
    private current: CryptoKey | null,
    private currentId: string,
  ) {}

  /**
   * Opens the vault, creating the database and the key on first use. A vault with an app lock
   * opens locked: every method but {@link unlock} and {@link close} throws `VAULT_LOCKED`.
   */
  static async open(name?: string): Promise<Vault> {
    const db = await openVaultDb(name);
    const state = await loadOrCreateVaultKey(db);
    return new Vault(db, state.locked ? null : state.key, state.keyId);
  }

  /** True while the key is not in memory. */
  get locked(): boolean {
    return this.current === null;
  }

  /** Drops the key from memory: the vault is unusable until {@link unlock}. */
  lock(): void {
    this.current = null;
  }

  /**
   * Uses `key` (unwrapped by the app lock) from now on.
   *
   * @param keyId the key's id, when it is a new one (the first lock re-keys the vault)
   */
  unlock(key: CryptoKey, keyId: string = this.currentId): void {
    this.current = key;
    this.currentId = keyId;
  }

  /** The id of the key in use (writes go on only while it is the vault's; see `accounts-store.ts`). */
  get keyId(): string {
    return this.currentId;
  }

  /** The key in use, for re-sealing every record under a new one when a lock is first set. */
  get key(): CryptoKey {
    return this.unlockedKey();
  }

  private unlockedKey(): CryptoKey {
    if (!this.current) throw new Error(VaultErrorCode.VAULT_LOCKED);
    return this.current;
  }

  /**
   * Every readable account in list order, plus the records that could not be read.
   *
   * @param onFirst called with the first `firstCount` records opened, before the rest are
   *   decrypted, so a long list can show its first screen early; the rest waits for the promise
   *   it returns (e.g. until that screen is painted)
   */
  async list(
    onFirst?: (first: VaultListing) => Promise<void> | void,
    firstCount = 8,
  ): Promise<VaultListing> {
    // Taken once: a lock during the read makes the caller's next call fail, not this one half-way.
    const key = this.key;
    if (!onFirst) return this.openRecords(key, await readAllRecords(this.db));
    // Read (not only decrypt) just the first screen before handing it over.
    const first = await readAllRecords(this.db, firstCount + 1);
    if (first.length <= firstCount) return this.openRecords(key, first);
    const head = await this.openRecords(key, first.slice(0, firstCount));
    await onFirst(head);
    // The rest by id, not by position: positions are not unique keys.
    const seen = new Set(first.slice(0, firstCount).map((r) => (r as { id?: unknown } | null)?.id));
    const rest = (await readAllRecords(this.db)).filter(
      (r) => !seen.has((r as { id?: unknown } | null)?.id),
    );
    const tail = await this.openRecords(key, rest);
    return {
      entries: [...head.entries, ...tail.entries],
      unreadable: [...head.unreadable, ...tail.unreadable],
    };
  }

  private async openRecords(key: CryptoKey, raw: unknown[]): Promise<VaultListing> {
    const opened = await Promise.all(
      raw.map(async (record): Promise<VaultEntry | UnreadableRecord> => {
        if (!isAccountRecord(record)) {
          const id = (record as { id?: unknown } | null)?.id;
          return { id: typeof id === 'string' ? id : '?', reason: UnreadableReason.MALFORMED };
        }
        const payload = await openJson(key, record.id, record.iv, record.sealed);
        if (payload === null) return { id: record.id, reason: UnreadableReason.UNDECRYPTABLE };
        if (!isPayload(payload)) return { id: record.id, reason: UnreadableReason.MALFORMED };
        return { id: record.id, account: payload.account, addedAt: payload.addedAt };
      }),
    );
    const entries: VaultEntry[] = [];
    const unreadable: UnreadableRecord[] = [];
    for (const item of opened) {
      if ('reason' in item) unreadable.push(item);
      else entries.push(item);
    }
    return { entries, unreadable };
  }

  /** Adds accounts at the end of the list: all of them, or (on any failure) none. */
  async add(accounts: readonly OtpAccount[]): Promise<VaultEntry[]> {
    const addedAt = Date.now();
    const entries = accounts.map((account) => ({ id: crypto.randomUUID(), account, addedAt }));
    const sealed = await Promise.all(
      entries.map(async (e) => ({
        id: e.id,
        format: 1 as const,
        ...(await sealJson(this.key, e.id, { account: e.account, addedAt })),
      })),
    );
    await appendRecords(this.db, this.keyId, sealed);
    return entries;
  }

  /**
   * Adds `add` at the end and gives the entries of `replace` their new key (an imported,
   * re-enrolled account), in one transaction: all of it or, on any failure, none.
   *
   * @returns the added entries and the replaced ones as now stored
   * @throws when an entry to replace no longer exists (nothing is written)
   */
  async applyImport(
    add: readonly OtpAccount[],
    replace: readonly { id: string; account: OtpAccount }[],
  ): Promise<{ added: VaultEntry[]; replaced: VaultEntry[] }> {
    const addedAt = Date.now();
    const added = add.map((account) => ({ id: crypto.randomUUID(), account, addedAt }));
    const replaced = replace.map((r) => ({ id: r.id, account: r.account, addedAt }));
    const seal = (e: VaultEntry) =>
      sealJson(this.key, e.id, { account: e.account, addedAt: e.addedAt }).then((s) => ({
        id: e.id,
        format: 1 as const,
        ...s,
      }));
    const [sealedAdded, sealedReplaced] = await Promise.all([
      Promise.all(added.map(seal)),
      Promise.all(replaced.map(seal)),
    ]);
    if (!(await appendAndReplace(this.db, this.keyId, sealedAdded, sealedReplaced)))
      throw new Error(VaultErrorCode.NOT_FOUND);
    return { added, replaced };
  }

  /**
   * Replaces an account's content (edited issuer or label, advanced HOTP counter), re-sealed
   * with a fresh IV. Returns false when the account no longer exists.
   */
  async update(entry: VaultEntry): Promise<boolean> {
    const payload: SealedPayload = { account: entry.account, addedAt: entry.addedAt };
    const sealed = await sealJson(this.key, entry.id, payload);
    return (
      (await replaceSealed(this.db, this.keyId, { id: entry.id, format: 1, ...sealed })) !== null
    );
  }

  /** Deletes an account; returns the sealed record so {@link restore} can undo it. */
  async remove(id: string): Promise<AccountRecord | null> {
    this.unlockedKey();
    return deleteRecord(this.db, this.keyId, id);
  }

  /** Puts back a record returned by {@link remove}. */
  async restore(record: AccountRecord): Promise<void> {
    this.unlockedKey();
    return putRecord(this.db, this.keyId, record);
  }

  /** Stores a new list order (ids first to last). */
  async reorder(ids: readonly string[]): Promise<void> {
    this.unlockedKey();
    return writeOrder(this.db, this.keyId, ids);
  }

  /** Closes the database connection. */
  close(): void {
    this.db.close();
  }
}
