import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

/** Current schema version; each step of `upgrade` below brings an older database one version up. */
export const VAULT_DB_VERSION = 1;

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

/** The vault key: a non-extractable AES-GCM CryptoKey, stored by structured clone. */
export interface VaultKeyRecord {
  key: CryptoKey;
  createdAt: number;
}

/** Typed schema of the vault database. */
export interface VaultSchema extends DBSchema {
  meta: { key: 'vault-key'; value: VaultKeyRecord };
  accounts: { key: string; value: AccountRecord; indexes: { 'by-order': number } };
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
    },
    blocking(_current, _blocked, event) {
      // A newer version of the app in another tab needs to upgrade the schema: let it.
      (event.target as IDBDatabase).close();
    },
  });
}
