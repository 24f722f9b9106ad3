/** Longest wait between two passphrase attempts. */
export const MAX_UNLOCK_WAIT_MS = 5 * 60_000;

/** Wrong passphrases allowed without any wait (typos happen). */
export const FREE_ATTEMPTS = 3;

/**
 * The wait owed after `failures` wrong passphrases: none for the first {@link FREE_ATTEMPTS},
 * then 2, 4, 8 … seconds, at most {@link MAX_UNLOCK_WAIT_MS}. Guessing a passphrase of fair
 * strength then takes lifetimes even on this device; the PBKDF2 cost is what protects a copy.
 *
 * @example unlockWait(4) // 2000
 */
export function unlockWait(failures: number): number {
  if (failures <= FREE_ATTEMPTS) return 0;
  return Math.min(MAX_UNLOCK_WAIT_MS, 1000 * 2 ** (failures - FREE_ATTEMPTS));
}
