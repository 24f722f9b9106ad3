/**
 * When the last backup was saved on this device. Kept in localStorage: it is a date, not a
 * secret, and it must go when site data is cleared, together with the vault it describes.
 */

const KEY = 'mfa-companion:last-backup';

/** Milliseconds since the epoch of the last backup, or null for never. */
export function lastBackupAt(): number | null {
  try {
    const value = Number(localStorage.getItem(KEY));
    return Number.isFinite(value) && value > 0 ? value : null;
  } catch {
    return null;
  }
}

/** Records a backup made now. */
export function recordBackup(at: number = Date.now()): void {
  try {
    localStorage.setItem(KEY, String(at));
  } catch {
    // Storage blocked: the reminder will keep asking, which is the safe side.
  }
}

/** "never", or the date in the reader's locale. */
export function lastBackupWords(at: number | null = lastBackupAt()): string {
  return at === null
    ? 'never'
    : new Date(at).toLocaleDateString(undefined, {
        year: 'numeric',
        month: 'long',
        day: 'numeric',
      });
}

/** True when some account was added (or re-keyed) after the last backup, so it is in none. */
export function needsBackup(entries: readonly { addedAt: number }[], at = lastBackupAt()): boolean {
  return entries.some((e) => at === null || e.addedAt > at);
}
