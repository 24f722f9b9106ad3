import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Keyring, keyringOf } from '../../sdk/verifier/secret-box.ts';
import { type Config, keyInside } from '../config/config.ts';

type KeyConfig = Pick<Config, 'encryptionKey' | 'oldEncryptionKeys' | 'dataDir'> &
  Partial<Pick<Config, 'encryptionKeyFile'>>;

/**
 * The keyring of a deployment: MFA_ENCRYPTION_KEY when set, otherwise the key file
 * (MFA_ENCRYPTION_KEY_FILE, default `encryption.key` in the data directory), created with mode
 * 0600 on first start. Old keys stay usable for decryption.
 */
export function loadKeyring(config: KeyConfig): Keyring {
  const key =
    config.encryptionKey ??
    keyFromFile(config.encryptionKeyFile ?? join(config.dataDir, 'encryption.key'));
  return keyringOf([key, ...config.oldEncryptionKeys]);
}

/**
 * The start-up warning when the key file sits in the data directory beside the database, so
 * that one copy of DATA_DIR is a copy of every TOTP secret; null when the key lives elsewhere.
 *
 * @example const warning = keyPlacementWarning(config); if (warning) console.warn(warning);
 */
export function keyPlacementWarning(config: KeyConfig): string | null {
  if (
    config.encryptionKey !== null ||
    !keyInside(config.dataDir, config.encryptionKeyFile ?? null)
  ) {
    return null;
  }
  return (
    'WARNING: the encryption key of the TOTP secrets is a file in DATA_DIR, beside the database: ' +
    'anyone with a copy of DATA_DIR can decrypt every secret. Fine for local use; in production ' +
    'set MFA_ENCRYPTION_KEY or MFA_ENCRYPTION_KEY_FILE outside DATA_DIR.'
  );
}

/** Creates the data directory owner-only (0700) if needed. */
export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

function keyFromFile(path: string): Buffer {
  ensureDataDir(dirname(path));
  try {
    // 'wx' fails if the file exists, so two first starts cannot overwrite each other's key.
    writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte base64 key`);
  return key;
}
