import { MIN_PASSPHRASE } from '../backup/passphrase-strength.ts';
import { LockErrorCode } from './app-lock.ts';

/** What each lock failure says to people. */
export const LOCK_WORDS: Record<LockErrorCode, string> = {
  [LockErrorCode.WRONG_PASSPHRASE]: 'Wrong passphrase.',
  [LockErrorCode.THROTTLED]: 'Too many wrong passphrases: wait before the next try.',
  [LockErrorCode.WEAK_PASSPHRASE]: `Use a passphrase of at least ${MIN_PASSPHRASE} characters.`,
  [LockErrorCode.NO_LOCK]: 'There is no app lock any more (it was turned off in another tab).',
  [LockErrorCode.ALREADY_LOCKED]: 'An app lock was set meanwhile (in another tab).',
  [LockErrorCode.PASSKEY_REFUSED]: 'That passkey is not the one that unlocks this app.',
  [LockErrorCode.BUSY]: 'The accounts kept changing in another tab. Try again.',
  [LockErrorCode.VAULT_LOCKED]: 'Unlock the app first.',
  [LockErrorCode.PASSKEY_UNAVAILABLE]:
    'This browser cannot unlock with a passkey here (it lacks WebAuthn or its PRF extension). Use your passphrase.',
  [LockErrorCode.PASSKEY_NO_PRF]:
    'This passkey cannot unlock the app: its authenticator lacks the PRF extension. Use your passphrase, or another passkey provider.',
  [LockErrorCode.PASSKEY_CANCELLED]: 'The passkey did not answer (cancelled or timed out).',
};

/** "5 seconds", "1 minute 5 seconds". */
export function waitWords(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  const s = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (!minutes) return s(rest, 'second');
  return rest ? `${s(minutes, 'minute')} ${s(rest, 'second')}` : s(minutes, 'minute');
}
