import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { MIN_PASSPHRASE, passphraseStrength } from '../backup/passphrase-strength.ts';
import { tokens } from '../styles/tokens.ts';
import type { IdleMinutes } from '../vault/vault-db.ts';
import type { LockPolicy, LockResult, LockStatus } from './app-lock.ts';
import { appLock } from './app-lock-instance.ts';
import { LOCK_WORDS, waitWords } from './lock-words.ts';
import { passkeyAvailable } from './passkey.ts';

type Form = 'set' | 'policy' | 'passkey' | 'change' | 'remove';

const IDLE_CHOICES: readonly [IdleMinutes, string][] = [
  [0, 'Never'],
  [1, 'After 1 minute idle'],
  [5, 'After 5 minutes idle'],
  [15, 'After 15 minutes idle'],
];

/** What is said once a policy change is stored (and in force). */
function idleSaid(minutes: IdleMinutes): string {
  const words = IDLE_CHOICES.find(([choice]) => choice === minutes)?.[1];
  if (minutes === 0 || !words) return 'Saved: the app no longer locks when idle.';
  return `Saved: the app locks ${words.toLowerCase()}.`;
}

function hiddenSaid(lockWhenHidden: boolean): string {
  return lockWhenHidden
    ? 'Saved: the app locks as soon as it is hidden.'
    : 'Saved: the app no longer locks when hidden.';
}

/**
 * Settings › App lock: turn the lock on (passphrase with a strength hint), and once on, lock now,
 * the idle time, lock when hidden, passkey unlock (where the browser has WebAuthn PRF), change
 * the passphrase, turn the lock off. Each outcome is said where it happened; after a change that
 * replaces the form, focus goes to what is said.
 *
 * @example html`<app-lock-settings></app-lock-settings>`
 */
@customElement('app-lock-settings')
export class AppLockSettings extends LitElement {
  static override styles = [
    tokens,
    css`
      :host { display: block; }
      h3 { font-size: 1rem; margin: 18px 0 6px; }
      form { display: grid; gap: 10px; }
      .error { border-left: 4px solid var(--danger); padding: 6px 10px; margin: 8px 0; }
      .done { border-left: 4px solid var(--ok); padding: 6px 10px; }
      .done:focus { outline: none; }
      .done:focus-visible { outline: 3px solid var(--focus); }
      .check { display: flex; gap: 8px; align-items: flex-start; }
      .check input { width: auto; min-height: 24px; min-width: 24px; margin: 0; }
      .buttons { display: flex; gap: 8px; flex-wrap: wrap; }
    `,
  ];

  @state() private status: LockStatus | null = null;
  @state() private passkeyHere = false;
  @state() private fields: Record<string, string> = {};
  @state() private busy: Form | null = null;
  @state() private error: { form: Form; words: string } | null = null;
  @state() private done = '';

  override connectedCallback(): void {
    super.connectedCallback();
    appLock.addEventListener('change', this.onChange);
    void this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    appLock.removeEventListener('change', this.onChange);
  }

  private readonly onChange = (): void => void this.refresh();

  private async refresh(): Promise<void> {
    [this.status, this.passkeyHere] = await Promise.all([appLock.status(), passkeyAvailable()]);
  }

  private field(name: string): string {
    return this.fields[name] ?? '';
  }

  private input(name: string, label: string, autocomplete: string, describedBy?: string) {
    return html`<div><label for=${name}>${label}</label>
      <input id=${name} type="password" autocomplete=${autocomplete} .value=${this.field(name)}
        aria-describedby=${describedBy ?? nothing}
        @input=${(e: Event) => (this.fields = { ...this.fields, [name]: (e.target as HTMLInputElement).value })} /></div>`;
  }

  private strength(name: string, id: string) {
    const value = this.field(name);
    const hint = value ? passphraseStrength(value) : null;
    return html`<p id=${id} role="status">${hint ? hint.words : `At least ${MIN_PASSPHRASE} characters; several unrelated words work well.`}</p>`;
  }

  private async run(
    form: Form,
    check: () => string | null,
    action: () => Promise<LockResult>,
    said: string,
  ): Promise<void> {
    this.error = null;
    this.done = '';
    const refused = check();
    if (refused) {
      this.error = { form, words: refused };
      return;
    }
    this.busy = form;
    const result = await action();
    this.busy = null;
    if (!result.ok) {
      const wait = (result.notBefore ?? 0) - Date.now();
      const words = LOCK_WORDS[result.code];
      this.error = {
        form,
        words: wait > 0 ? `${words} Wait ${waitWords(wait)} before the next try.` : words,
      };
      return;
    }
    this.fields = {};
    this.done = said;
    await this.refresh();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[data-testid="lock-done"]')?.focus();
  }

  /**
   * Stores an idle or hidden choice. It is said only once stored and applied, since until then
   * the new choice is not in force; focus stays on the control that changed.
   */
  private async savePolicy(policy: LockPolicy, said: string): Promise<void> {
    this.error = null;
    this.done = '';
    const result = await appLock.setPolicy(policy);
    if (!result.ok) {
      this.error = { form: 'policy', words: LOCK_WORDS[result.code] };
      return;
    }
    this.done = said;
  }

  private newPassphraseProblem(first: string, second: string): string | null {
    const value = this.field(first);
    if (passphraseStrength(value).score === 0) return LOCK_WORDS.WEAK_PASSPHRASE;
    if (value !== this.field(second)) return 'The two passphrases differ.';
    return null;
  }

  private errorFor(form: Form) {
    return this.error?.form === form
      ? html`<p class="error" role="alert">${this.error.words}</p>`
      : nothing;
  }

  override render() {
    const status = this.status;
    if (!status) return html`<p aria-busy="true">Reading the app lock…</p>`;
    const said = this.done
      ? html`<p class="done" data-testid="lock-done" role="status" tabindex="-1">${this.done}</p>`
      : nothing;
    return status.set ? html`${said}${this.renderOn(status)}` : html`${said}${this.renderOff()}`;
  }

  private renderOff() {
    const submit = (e: Event) => {
      e.preventDefault();
      void this.run(
        'set',
        () => this.newPassphraseProblem('lock-new', 'lock-new2'),
        () => appLock.setPassphrase(this.field('lock-new')),
        'App lock is on. The app locks after 5 minutes idle; choose below.',
      );
    };
    return html`<p>Off: anyone who can open this browser on this device sees your codes. With a
        passphrase, the key that encrypts your accounts is kept only wrapped by it.</p>
      <form @submit=${submit}>
        ${this.input('lock-new', 'New passphrase', 'new-password', 'lock-strength')}
        ${this.strength('lock-new', 'lock-strength')}
        ${this.input('lock-new2', 'New passphrase again', 'new-password')}
        ${this.errorFor('set')}
        <div class="buttons"><button class="primary" type="submit" ?disabled=${this.busy !== null}>${
          this.busy === 'set' ? 'Encrypting…' : 'Turn on app lock'
        }</button></div>
      </form>`;
  }

  private renderOn(status: LockStatus) {
    const policy = status.policy;
    const setPolicy = (next: Partial<LockPolicy>, said: string) =>
      void this.savePolicy({ ...policy, ...next }, said);
    return html`<p>On: unlock with your passphrase${status.passkey ? ' or your passkey' : ''}. While
        locked, no key, code or account is in memory or on screen.</p>
      <div class="buttons"><button type="button" @click=${() => appLock.lockNow()}>Lock now</button></div>
      <div><label for="lock-idle">Lock automatically</label>
        <select id="lock-idle" @change=${(e: Event) => {
          const idleMinutes = Number((e.target as HTMLSelectElement).value) as IdleMinutes;
          setPolicy({ idleMinutes }, idleSaid(idleMinutes));
        }}>
          ${IDLE_CHOICES.map(([minutes, words]) => html`<option value=${minutes} ?selected=${minutes === policy.idleMinutes}>${words}</option>`)}
        </select></div>
      <label class="check"><input type="checkbox" .checked=${policy.lockWhenHidden}
          @change=${(e: Event) => {
            const lockWhenHidden = (e.target as HTMLInputElement).checked;
            setPolicy({ lockWhenHidden }, hiddenSaid(lockWhenHidden));
          }} />
        Lock when the app is hidden (another tab or app, screen off)</label>
      ${this.errorFor('policy')}
      ${this.renderPasskey(status)}
      <h3>Change passphrase</h3>
      <form @submit=${(e: Event) => {
        e.preventDefault();
        void this.run(
          'change',
          () => this.newPassphraseProblem('lock-change-new', 'lock-change-new2'),
          () =>
            appLock.changePassphrase(
              this.field('lock-change-current'),
              this.field('lock-change-new'),
            ),
          'Passphrase changed.',
        );
      }}>
        ${this.input('lock-change-current', 'Current passphrase', 'current-password')}
        ${this.input('lock-change-new', 'New passphrase', 'new-password', 'lock-change-strength')}
        ${this.strength('lock-change-new', 'lock-change-strength')}
        ${this.input('lock-change-new2', 'New passphrase again', 'new-password')}
        ${this.errorFor('change')}
        <div class="buttons"><button type="submit" ?disabled=${this.busy !== null}>${
          this.busy === 'change' ? 'Changing…' : 'Change passphrase'
        }</button></div>
      </form>
      <h3>Turn off</h3>
      <form @submit=${(e: Event) => {
        e.preventDefault();
        void this.run(
          'remove',
          () => null,
          () => appLock.removePassphrase(this.field('lock-remove')),
          'App lock is off. Your accounts are protected by this browser’s storage only.',
        );
      }}>
        ${this.input('lock-remove', 'Passphrase, to turn the lock off', 'current-password')}
        ${this.errorFor('remove')}
        <div class="buttons"><button class="danger" type="submit" ?disabled=${this.busy !== null}>${
          this.busy === 'remove' ? 'Turning off…' : 'Turn off app lock'
        }</button></div>
      </form>`;
  }

  private renderPasskey(status: LockStatus) {
    if (status.passkey) {
      return html`<h3>Passkey unlock</h3>
        <p>On: this app unlocks with your passkey; the passphrase still works.</p>
        ${this.errorFor('passkey')}
        <button type="button" ?disabled=${this.busy !== null} @click=${() =>
          this.run(
            'passkey',
            () => null,
            () => appLock.removePasskey(),
            'Passkey unlock is off (the passkey itself stays in your password manager; delete it there if you like).',
          )}>
          Remove passkey unlock</button>`;
    }
    if (!this.passkeyHere) {
      return html`<h3>Passkey unlock</h3>
        <p data-testid="passkey-unavailable">Not available: this browser cannot unlock with a passkey
          here (it lacks WebAuthn or its PRF extension). Your passphrase unlocks the app.</p>`;
    }
    return html`<h3>Passkey unlock</h3>
      <p>Unlock with a passkey (fingerprint, face or device PIN) instead of typing the passphrase.
        It works only with passkeys whose provider supports the PRF extension.</p>
      <form @submit=${(e: Event) => {
        e.preventDefault();
        void this.run(
          'passkey',
          () => null,
          () => appLock.addPasskey(this.field('lock-passkey')),
          'Passkey unlock is on.',
        );
      }}>
        ${this.input('lock-passkey', 'Passphrase, to add a passkey', 'current-password')}
        ${this.errorFor('passkey')}
        <div class="buttons"><button type="submit" ?disabled=${this.busy !== null}>${
          this.busy === 'passkey' ? 'Waiting for the passkey…' : 'Add passkey unlock'
        }</button></div>
      </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'app-lock-settings': AppLockSettings;
  }
}
