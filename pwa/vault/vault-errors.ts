/** Stable codes of the vault's errors (thrown as `new Error(code)`). */
export const VaultErrorCode = {
  /**
   * The app lock holds the key: nothing can be read or written until it is unlocked. Also when
   * the key this tab holds is no longer the vault's (another tab set or changed the lock).
   */
  VAULT_LOCKED: 'VAULT_LOCKED',
  /** The entry to change no longer exists. */
  NOT_FOUND: 'NOT_FOUND',
} as const;
export type VaultErrorCode = (typeof VaultErrorCode)[keyof typeof VaultErrorCode];
