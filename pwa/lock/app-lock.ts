/**
 * The app lock: an optional passphrase (and, where the browser has the WebAuthn PRF extension,
 * a passkey) that wraps the vault key. Loaded only when a lock exists or is being set up.
 *
 * Setting the first passphrase replaces the vault key (the stored one is non-extractable, so it
 * cannot be wrapped): a new key re-seals every record once and is then kept only wrapped. After
 * that, changing the passphrase, adding or removing the passkey re-wrap the same key; removing
 * the lock stores that key non-extractable again. No later change re-encrypts an account.
 */
import { passphraseStrength } from '../backup/passphrase-strength.ts';
import type { AccountsModel } from '../state/accounts-model.ts';
import { onLockSignal, sendLockSignal } from '../state/lock-signal.ts';
import {
  beginAttempt,
  clearFailures,
  lockUnderNewKey,
  readLock,
  readThrottle,
  removeLock,
  settleFailure,
  updateLock,
} from '../vault/lock-store.ts';
import type { IdleMinutes, LockRecord, ThrottleRecord, VaultDb } from '../vault/vault-db.ts';
import { IdleLock } from './idle-lock.ts';
import {
  newWrappableKey,
  passkeyKek,
  unwrapVaultKey,
  unwrapWithPassphrase,
  wrapUnderPassphrase,
  wrapVaultKey,
} from './key-wrap.ts';
import { createPrfPasskey, evaluatePrf, PasskeyError } from './passkey.ts';
import { unlockWait } from './unlock-delay.ts';

/** Stable codes of the lock's expected failures. */
export const LockErrorCode = {
  ...PasskeyError,
  WRONG_PASSPHRASE: 'WRONG_PASSPHRASE',
  /** Too soon after wrong passphrases: `notBefore` says when. */
  THROTTLED: 'THROTTLED',
  WEAK_PASSPHRASE: 'WEAK_PASSPHRASE',
  NO_LOCK: 'NO_LOCK',
  ALREADY_LOCKED: 'ALREADY_LOCKED',
  /** The passkey answered, but its output does not unwrap the key (another passkey). */
  PASSKEY_REFUSED: 'PASSKEY_REFUSED',
  /** The vault changed in another tab again and again while the lock was being set. */
  BUSY: 'BUSY',
  /** Needs the unlocked vault. */
  VAULT_LOCKED: 'VAULT_LOCKED',
} as const;
export type LockErrorCode = (typeof LockErrorCode)[keyof typeof LockErrorCode];

/** A lock operation's outcome; a wrong passphrase carries when the next attempt may start. */
export type LockResult =
  | { ok: true }
  | { ok: false; code: LockErrorCode; notBefore?: number; failures?: number };

/** Idle time and hiding, as chosen in Settings. */
export interface LockPolicy {
  idleMinutes: IdleMinutes;
  lockWhenHidden: boolean;
}

/** What Settings and the lock screen show. */
export interface LockStatus {
  set: boolean;
  passkey: boolean;
  policy: LockPolicy;
}

export const DEFAULT_POLICY: LockPolicy = { idleMinutes: 5, lockWhenHidden: false };

/**
 * The lock over one accounts model (the app's, or a test's).
 *
 * @example
 * const lock = new AppLock(accountsModel);
 * const result = await lock.unlockWithPassphrase(typed);
 * if (!result.ok && result.code === 'WRONG_PASSPHRASE') showWait(result.notBefore);
 */
export class AppLock extends EventTarget {
  private readonly idle = new IdleLock(() => this.lockNow());

  /**
   * @param iterations PBKDF2 rounds for new wrappings (tests pass fewer; reading uses the stored figure)
   * @param now the clock for the wrong-passphrase delay
   */
  constructor(
    private readonly model: AccountsModel,
    private readonly iterations?: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    super();
    onLockSignal((signal) => {
      if (signal === 'locked' || signal === 'removed') this.idle.stop();
      if (signal === 'changed') void this.watchIdle();
      this.dispatchEvent(new Event('change'));
    });
  }

  /** Whether a lock is set, with or without passkey, and its policy. */
  async status(): Promise<LockStatus> {
    const lock = await readLock((await this.model.openedVault()).db);
    return {
      set: lock !== null,
      passkey: lock?.passkey !== undefined,
      policy: lock
        ? { idleMinutes: lock.idleMinutes, lockWhenHidden: lock.lockWhenHidden }
        : DEFAULT_POLICY,
    };
  }

  /** Wrong passphrases so far and when the next attempt may start. */
  async throttle(): Promise<ThrottleRecord> {
    return readThrottle((await this.model.openedVault()).db);
  }

  /** Locks this tab and every other one now. */
  lockNow(): void {
    this.idle.stop();
    this.model.lock();
    sendLockSignal('locked');
  }

  /** Unlocks with the passphrase, through the wrong-passphrase delay. */
  async unlockWithPassphrase(passphrase: string): Promise<LockResult> {
    const checked = await this.checkPassphrase(passphrase, false);
    if (!checked.ok) return checked;
    await this.model.unlock(checked.key);
    await this.watchIdle();
    return { ok: true };
  }

  /** Unlocks with the enrolled passkey (its PRF output unwraps the key). */
  async unlockWithPasskey(): Promise<LockResult> {
    const vault = await this.model.openedVault();
    const passkey = (await readLock(vault.db))?.passkey;
    if (!passkey) return { ok: false, code: LockErrorCode.NO_LOCK };
    const prf = await evaluatePrf(passkey.credentialId, new Uint8Array(passkey.prfSalt));
    if (!prf.ok) return prf;
    const key = await unwrapVaultKey(
      passkey,
      await passkeyKek(prf.value, passkey.hkdfSalt),
      'passkey',
    );
    if (!key) return { ok: false, code: LockErrorCode.PASSKEY_REFUSED };
    await clearFailures(vault.db);
    await this.model.unlock(key);
    await this.watchIdle();
    return { ok: true };
  }

  /**
   * Sets the first passphrase: a new vault key re-seals every account and is stored only wrapped;
   * the old key is deleted, all in one transaction. Other tabs open the vault again (locked).
   */
  async setPassphrase(
    passphrase: string,
    policy: LockPolicy = DEFAULT_POLICY,
  ): Promise<LockResult> {
    if (passphraseStrength(passphrase).score === 0)
      return { ok: false, code: LockErrorCode.WEAK_PASSPHRASE };
    const vault = await this.model.openedVault();
    if (vault.locked) return { ok: false, code: LockErrorCode.ALREADY_LOCKED };
    const oldKey = vault.key;
    const fresh = await newWrappableKey();
    const { wrapping, kek } = await wrapUnderPassphrase(fresh, passphrase, this.iterations);
    const lock: LockRecord = {
      kind: 'lock',
      keyId: crypto.randomUUID(),
      passphrase: wrapping,
      ...policy,
    };
    for (let tries = 0; tries < 3; tries++) {
      const result = await lockUnderNewKey(vault.db, vault.keyId, oldKey, fresh, lock);
      if (result === 'ALREADY_LOCKED') return { ok: false, code: LockErrorCode.ALREADY_LOCKED };
      if (result === 'KEY_CHANGED') {
        // This tab's key is stale (a lock was set and removed elsewhere): take the vault's.
        await this.model.reopen();
        return { ok: false, code: LockErrorCode.BUSY };
      }
      if (result === 'LOCKED') {
        // From here on only the non-extractable unwrapping is in memory.
        const key = await unwrapVaultKey(wrapping, kek, 'passphrase');
        if (!key) throw new Error('LOCK_UNWRAP_FAILED');
        await this.model.unlock(key, lock.keyId);
        sendLockSignal('rekeyed');
        await this.watchIdle();
        return { ok: true };
      }
    }
    return { ok: false, code: LockErrorCode.BUSY };
  }

  /** Changes the passphrase: the same key, wrapped under the new one; no account re-encrypted. */
  async changePassphrase(current: string, next: string): Promise<LockResult> {
    if (passphraseStrength(next).score === 0)
      return { ok: false, code: LockErrorCode.WEAK_PASSPHRASE };
    const checked = await this.checkPassphrase(current, true);
    if (!checked.ok) return checked;
    const { wrapping } = await wrapUnderPassphrase(checked.key, next, this.iterations);
    return this.changed(
      await updateLock(checked.db, (lock) => ({ ...lock, passphrase: wrapping })),
    );
  }

  /**
   * Removes the lock (and the passkey with it): the same vault key is stored non-extractable
   * again, as before any lock, so the vault is protected by the origin's storage only.
   */
  async removePassphrase(current: string): Promise<LockResult> {
    const checked = await this.checkPassphrase(current, false);
    if (!checked.ok) return checked;
    await removeLock(checked.db, checked.key, checked.keyId);
    this.idle.stop();
    sendLockSignal('removed');
    this.dispatchEvent(new Event('change'));
    return { ok: true };
  }

  /**
   * Adds passkey unlock: checks the passphrase, makes a passkey and stores the vault key wrapped
   * under its PRF output too. The passphrase stays, as the way in where the passkey is not.
   */
  async addPasskey(current: string): Promise<LockResult> {
    const checked = await this.checkPassphrase(current, true);
    if (!checked.ok) return checked;
    const prfSalt = crypto.getRandomValues(new Uint8Array(32));
    const hkdfSalt = crypto.getRandomValues(new Uint8Array(16));
    const made = await createPrfPasskey(prfSalt);
    if (!made.ok) return made;
    const wrapping = await wrapVaultKey(
      checked.key,
      await passkeyKek(made.value.output, hkdfSalt),
      'passkey',
    );
    const passkey = { ...wrapping, credentialId: made.value.credentialId, prfSalt, hkdfSalt };
    return this.changed(await updateLock(checked.db, (lock) => ({ ...lock, passkey })));
  }

  /** Removes passkey unlock (the passkey itself stays in the password manager, unused). */
  async removePasskey(): Promise<LockResult> {
    const vault = await this.model.openedVault();
    if (vault.locked) return { ok: false, code: LockErrorCode.VAULT_LOCKED };
    return this.changed(await updateLock(vault.db, ({ passkey: _dropped, ...rest }) => rest));
  }

  /** Stores the idle time and lock-when-hidden choice and applies them at once. */
  async setPolicy(policy: LockPolicy): Promise<LockResult> {
    const vault = await this.model.openedVault();
    const done = await updateLock(vault.db, (lock) => ({ ...lock, ...policy }));
    await this.watchIdle();
    return this.changed(done);
  }

  private changed(done: boolean): LockResult {
    if (!done) return { ok: false, code: LockErrorCode.NO_LOCK };
    sendLockSignal('changed');
    this.dispatchEvent(new Event('change'));
    return { ok: true };
  }

  /** Starts (or stops) the idle and hidden watch for what is stored now. */
  private async watchIdle(): Promise<void> {
    const vault = await this.model.openedVault();
    const lock = await readLock(vault.db);
    if (!lock || vault.locked) this.idle.stop();
    else this.idle.start(lock.idleMinutes, lock.lockWhenHidden);
  }

  /** Any passphrase check, for unlocking or for a change: through the one persisted delay. */
  private async checkPassphrase(
    passphrase: string,
    extractable: boolean,
  ): Promise<
    | { ok: true; key: CryptoKey; db: VaultDb; keyId: string }
    | { ok: false; code: LockErrorCode; notBefore?: number; failures?: number }
  > {
    const { db } = await this.model.openedVault();
    const lock = await readLock(db);
    if (!lock) return { ok: false, code: LockErrorCode.NO_LOCK };
    const refusedUntil = await beginAttempt(db, this.now(), unlockWait);
    if (refusedUntil !== null)
      return { ok: false, code: LockErrorCode.THROTTLED, notBefore: refusedUntil };
    const key = await unwrapWithPassphrase(lock.passphrase, passphrase, extractable);
    if (!key) {
      const { notBefore, failures } = await settleFailure(db, this.now(), unlockWait);
      return { ok: false, code: LockErrorCode.WRONG_PASSPHRASE, notBefore, failures };
    }
    await clearFailures(db);
    return { ok: true, key, db, keyId: lock.keyId };
  }
}
