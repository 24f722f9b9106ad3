import { forgetSecretKeys, type OtpAccount } from '../../sdk/otp/index.ts';
import { afterPaint } from '../scheduling/yield.ts';
import {
  type UnreadableRecord,
  type Vault,
  type VaultEntry,
  VaultErrorCode,
} from '../vault/vault.ts';

/** Where loading the vault stands; `locked`: the app lock holds the key, nothing is loaded. */
export type ModelStatus = 'loading' | 'ready' | 'locked' | 'unavailable';

/**
 * The accounts the app shows, kept in step with the vault. Every change is written to the vault
 * first and only then shown, so the screen never claims what storage does not hold. Dispatches
 * `change` after each.
 *
 * @example
 * await accountsModel.load();
 * accountsModel.addEventListener('change', () => render(accountsModel.entries));
 */
export class AccountsModel extends EventTarget {
  entries: VaultEntry[] = [];
  unreadable: UnreadableRecord[] = [];
  status: ModelStatus = 'loading';
  /** False while only the first screen of a long vault has been read. */
  complete = false;
  private vault: Vault | null = null;
  private loading: Promise<void> | null = null;
  /** Bumped by every lock: a read that started before it must not show what it read. */
  private generation = 0;

  constructor(private readonly openVault: () => Promise<Vault>) {
    super();
  }

  /** Opens the vault and reads every account (once; later calls share the first load). */
  load(): Promise<void> {
    this.loading ??= this.openAndRead();
    return this.loading;
  }

  private async openAndRead(): Promise<void> {
    const generation = this.generation;
    try {
      this.vault ??= await this.openVault();
      performance.mark('mfa:vault-open');
      if (this.vault.locked) {
        this.status = 'locked';
        this.changed();
        return;
      }
      const { entries, unreadable } = await this.vault.list((first) => {
        if (generation !== this.generation) return;
        // Show the first screen while the rest is decrypted; changes wait for `load` to finish.
        this.entries = first.entries;
        this.unreadable = first.unreadable;
        this.status = 'ready';
        this.changed();
        return afterPaint();
      });
      if (generation !== this.generation) return;
      performance.mark('mfa:vault-read');
      this.complete = true;
      this.entries = entries;
      this.unreadable = unreadable;
      this.status = 'ready';
    } catch (error) {
      if (generation !== this.generation) return;
      // Locked by another tab mid-read; else private windows and blocked storage have no
      // IndexedDB: say so instead of crashing.
      this.status =
        (error as Error | null)?.message === VaultErrorCode.VAULT_LOCKED ? 'locked' : 'unavailable';
    }
    this.changed();
  }

  /**
   * The open vault, locked or not, for the app lock (which wraps, unwraps and re-keys it).
   *
   * @throws `VAULT_UNAVAILABLE` when storage cannot be opened
   */
  async openedVault(): Promise<Vault> {
    await this.load();
    return this.requireVault();
  }

  /**
   * Locks: the vault drops its key and the model every decrypted account, so nothing secret is
   * left for the screen (which shows the lock screen on `change`) or for anyone holding the model.
   */
  lock(): void {
    this.forget();
    this.status = this.vault ? 'locked' : this.status;
    this.loading = this.vault ? Promise.resolve() : null;
    this.changed();
  }

  private forget(): void {
    this.generation++;
    this.vault?.lock();
    // The code generator's cache of decoded secrets too.
    forgetSecretKeys();
    this.entries = [];
    this.unreadable = [];
    this.complete = false;
  }

  /** Unlocks with the vault key the app lock unwrapped, and reads the accounts again. */
  unlock(key: CryptoKey, keyId?: string): Promise<void> {
    this.requireVault().unlock(key, keyId);
    this.generation++;
    this.loading = this.openAndRead();
    return this.loading;
  }

  /**
   * Closes and opens the vault again: after another tab set or removed the lock, the key this
   * tab holds may be stale, so it takes whatever storage now says (locked or not).
   */
  reopen(): Promise<void> {
    this.forget();
    this.vault?.close();
    this.vault = null;
    this.loading = null;
    this.status = 'loading';
    this.changed();
    return this.load();
  }

  /** The entry with `id`, if loaded. */
  get(id: string): VaultEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  /** Adds accounts, all or none. */
  async add(accounts: readonly OtpAccount[]): Promise<VaultEntry[]> {
    const added = await this.write((vault) => vault.add(accounts));
    this.entries = [...this.entries, ...added];
    this.changed();
    return added;
  }

  /**
   * Stores an import: new accounts at the end, re-enrolled ones replacing the old key in place;
   * all or none.
   */
  async importAccounts(
    add: readonly OtpAccount[],
    replace: readonly { id: string; account: OtpAccount }[],
  ): Promise<VaultEntry[]> {
    const { added, replaced } = await this.write((vault) => vault.applyImport(add, replace));
    const byId = new Map(replaced.map((e) => [e.id, e]));
    this.entries = [...this.entries.map((e) => byId.get(e.id) ?? e), ...added];
    this.changed();
    return [...replaced, ...added];
  }

  /** Stores an edited account (issuer, label, counter). */
  async update(entry: VaultEntry): Promise<void> {
    if (!(await this.write((vault) => vault.update(entry)))) throw new Error('NOT_FOUND');
    this.entries = this.entries.map((e) => (e.id === entry.id ? entry : e));
    this.changed();
  }

  /** Advances an HOTP counter by one and stores it before the new code is shown. */
  async advanceCounter(id: string): Promise<void> {
    const entry = this.get(id);
    if (entry?.account.type !== 'hotp') return;
    const counter = (entry.account.counter ?? 0) + 1;
    await this.update({ ...entry, account: { ...entry.account, counter } });
  }

  /**
   * Deletes an account (or an unreadable record).
   *
   * @returns undo: puts the record back where it was
   */
  async remove(id: string): Promise<() => Promise<void>> {
    const vault = await this.ready();
    const record = await this.write((v) => v.remove(id));
    this.entries = this.entries.filter((e) => e.id !== id);
    this.unreadable = this.unreadable.filter((u) => u.id !== id);
    this.changed();
    return async () => {
      if (!record) return;
      await vault.restore(record);
      const { entries, unreadable } = await vault.list();
      this.entries = entries;
      this.unreadable = unreadable;
      this.changed();
    };
  }

  /** Moves an account `delta` places (−1 up, +1 down) and stores the new order. */
  async move(id: string, delta: number): Promise<void> {
    await this.ready();
    const from = this.entries.findIndex((e) => e.id === id);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= this.entries.length) return;
    const next = [...this.entries];
    const [moved] = next.splice(from, 1);
    if (moved) next.splice(to, 0, moved);
    await this.write((v) => v.reorder(next.map((e) => e.id)));
    this.entries = next;
    this.changed();
  }

  /**
   * Runs a write on the vault. `VAULT_LOCKED` from a write while this model thought it unlocked
   * means the key in memory is stale (another tab changed the lock and this one missed it): the
   * write stored nothing, and the vault is opened again for what storage now says.
   */
  private async write<T>(op: (vault: Vault) => Promise<T>): Promise<T> {
    const vault = await this.ready();
    try {
      return await op(vault);
    } catch (error) {
      if ((error as Error | null)?.message === VaultErrorCode.VAULT_LOCKED && !vault.locked)
        void this.reopen();
      throw error;
    }
  }

  /** The vault, once every record has been read (so in-memory order matches storage). */
  private async ready(): Promise<Vault> {
    await this.load();
    return this.requireVault();
  }

  private requireVault(): Vault {
    if (!this.vault) throw new Error('VAULT_UNAVAILABLE');
    return this.vault;
  }

  private changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
