/**
 * Persistent storage (`navigator.storage.persist()`): whether the browser promises not to clear
 * the vault under storage pressure. The answer is always shown, never swallowed: a browser that
 * says no is the reason to make a backup.
 */

/** The browser's answer. */
export type PersistenceAnswer = 'kept' | 'may-clear' | 'unsupported';

/** Words for each answer, as the app shows them. */
export const PERSISTENCE_WORDS: Record<PersistenceAnswer, string> = {
  kept: 'Storage is kept: the browser will not clear your accounts to free space.',
  'may-clear':
    'The browser may clear storage when space runs low, and your accounts with it: make a backup.',
  unsupported:
    'This browser cannot promise to keep storage, so it may clear your accounts: make a backup.',
};

/** The current state, without asking (no prompt). */
export async function persistenceState(): Promise<PersistenceAnswer> {
  if (!navigator.storage?.persisted) return 'unsupported';
  try {
    return (await navigator.storage.persisted()) ? 'kept' : 'may-clear';
  } catch {
    return 'unsupported';
  }
}

/**
 * Asks the browser to keep storage (Chromium answers from site engagement, Firefox may prompt).
 *
 * @example const answer = await requestPersistence(); showToast({ message: PERSISTENCE_WORDS[answer] });
 */
export async function requestPersistence(): Promise<PersistenceAnswer> {
  if (!navigator.storage?.persist) return 'unsupported';
  try {
    return (await navigator.storage.persist()) ? 'kept' : 'may-clear';
  } catch {
    return 'unsupported';
  }
}
