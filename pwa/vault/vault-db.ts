import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

/** Current schema version; each step of `upgrade` below brings an older database one version up. */
export const VAULT_DB_VERSION = 2;

/** Default database name; tests pass their own. */
export const VAULT_DB_NAME = 'mfa-companion-vault';

/**
 * One account as stored: everything that identifies it (secret, issuer, label, parameters) is in
 * `sealed`, AES-GCM ciphertext under the vault key with the record id as additional data. Only the
 * list position is in clear, so reordering needs no decryption.
 */
export interface AccountRecord {
  id: string;
  order: number;
  /** Format of `sealed`, for later migrations of the plaintext shape. */
  format: 1;
  /** 12-byte AES-GCM nonce, fresh for every write. */
  iv: Uint8Array;
  sealed: ArrayBuffer;
}

/** Whether a stored value has the shape of an {@link AccountRecord} (stored data is checked, not trusted). */
export function isAccountRecord(value: unknown): value is AccountRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<AccountRecord>;
  return (
    typeof r.id === 'string' &&
    typeof r.order === 'number' &&
    r.iv instanceof Uint8Array &&
    r.iv.byteLength === 12 &&
    r.sealed instanceof ArrayBuffer
  );
}

/** The vault key: a non-extractable AES-GCM CryptoKey, stored by structured clone. */
export interface VaultKeyRecord {
  key: CryptoKey;
  createdAt: number;
  /** Which key this is (see {@link LockRecord.keyId}); absent on keys made before version 2. */
  keyId?: string;
}

/** The id of a plain stored key: its own, or one from its creation time for older keys. */
export function plainKeyId(record: VaultKeyRecord): string {
  return record.keyId ?? `created-${record.createdAt}`;
}

/** One wrapping of the vault key's raw bytes: AES-GCM under a key-encryption key. */
export interface KeyWrapping {
  /** 12-byte AES-GCM nonce of this wrapping. */
  iv: Uint8Array;
  /** The vault key's 32 bytes, sealed, with the 16-byte tag. */
  wrapped: ArrayBuffer;
}

/** The passphrase's wrapping: the key-encryption key is PBKDF2-SHA256(passphrase, salt). */
export interface PassphraseWrapping extends KeyWrapping {
  salt: Uint8Array;
  iterations: number;
}

/**
 * The passkey's wrapping: the key-encryption key is HKDF-SHA256 of the WebAuthn PRF output of
 * `credentialId` evaluated at `prfSalt`.
 */
export interface PasskeyWrapping extends KeyWrapping {
  credentialId: ArrayBuffer;
  prfSalt: Uint8Array;
  hkdfSalt: Uint8Array;
}

/** Idle time after which an unlocked app locks again (0: never), in minutes. */
export type IdleMinutes = 0 | 1 | 5 | 15;

/**
 * A locked vault's key: only wrapped (never stored usable), and when to lock again. While this
 * record exists `meta` holds no `vault-key`.
 */
export interface LockRecord {
  kind: 'lock';
  /**
   * Which vault key is wrapped: a tab holding another key in memory (it missed a lock change in
   * another tab) must not write with it. Removing the lock keeps the id with the key.
   */
  keyId: string;
  passphrase: PassphraseWrapping;
  passkey?: PasskeyWrapping;
  idleMinutes: IdleMinutes;
  lockWhenHidden: boolean;
}

/** Wrong passphrases so far, and when the next attempt is allowed (epoch ms). */
export interface ThrottleRecord {
  kind: 'throttle';
  failures: number;
  notBefore: number;
}

/** Typed schema of the vault database. */
export interface VaultSchema extends DBSchema {
  meta: { key: 'vault-key'; value: VaultKeyRecord };
  accounts: { key: string; value: AccountRecord; indexes: { 'by-order': number } };
  /** Since version 2: the app lock (key `lock`) and its wrong-passphrase count (`throttle`). */
  lock: { key: 'lock' | 'throttle'; value: LockRecord | ThrottleRecord };
}

export type VaultDb = IDBPDatabase<VaultSchema>;

/**
 * Opens (creating or upgrading) the vault database.
 *
 * @param name database name, {@link VAULT_DB_NAME} by default
 * @example const db = await openVaultDb();
 */
export function openVaultDb(name: string = VAULT_DB_NAME): Promise<VaultDb> {
  return openDB<VaultSchema>(name, VAULT_DB_VERSION, {
    upgrade(db, oldVersion) {
      // Versioned steps: never edit a released step, add the next `if (oldVersion < n)` below it.
      if (oldVersion < 1) {
        db.createObjectStore('meta');
        const accounts = db.createObjectStore('accounts', { keyPath: 'id' });
        accounts.createIndex('by-order', 'order');
      }
      // An existing vault keeps its plain key and works as before, with no lock set.
      if (oldVersion < 2) db.createObjectStore('lock');
    },
    blocking(_current, _blocked, event) {
      // A newer version of the app in another tab needs to upgrade the schema: let it.
      (event.target as IDBDatabase).close();
    },
  });
}
