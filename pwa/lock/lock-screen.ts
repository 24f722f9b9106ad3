import { css, html, LitElement, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { tokens } from '../styles/tokens.ts';
import type { LockResult } from './app-lock.ts';
import { appLock } from './app-lock-instance.ts';
import { LOCK_WORDS, waitWords } from './lock-words.ts';
import { passkeyAvailable } from './passkey.ts';

/**
 * The screen of a locked app: the passphrase field, and "Unlock with passkey" where one is set
 * and the browser can use it. A wrong passphrase is announced with the wait it costs; the wait
 * counts down on the button (persisted: a reload does not skip it). Loaded only when locked.
 *
 * @example html`<lock-screen></lock-screen>`
 */
@customElement('lock-screen')
export class LockScreen extends LitElement {
  static override styles = [
    tokens,
    css`
      :host { display: block; }
      section { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius);
        padding: 4px 14px 14px; }
      h2 { overflow-wrap: break-word; }
      form { display: grid; gap: 10px; }
      .error { border-left: 4px solid var(--danger); padding: 6px 10px; margin: 8px 0; }
      .buttons { display: flex; gap: 8px; flex-wrap: wrap; }
      .or { margin: 14px 0 8px; }
    `,
  ];

  @state() private passphrase = '';
  @state() private busy = false;
  @state() private error = '';
  /** Epoch ms before which the next passphrase attempt is refused (0: none owed). */
  @state() private notBefore = 0;
  @state() private now = Date.now();
  @state() private passkey: 'none' | 'usable' | 'unavailable' = 'none';
  @query('input') private field!: HTMLInputElement | null;
  private ticker: ReturnType<typeof setInterval> | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
    appLock.addEventListener('change', this.onLockChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    appLock.removeEventListener('change', this.onLockChange);
    this.stopTicker();
  }

  protected override firstUpdated(): void {
    this.field?.focus();
  }

  private readonly onLockChange = (): void => void this.refresh();

  private async refresh(): Promise<void> {
    const [status, throttle, available] = await Promise.all([
      appLock.status(),
      appLock.throttle(),
      passkeyAvailable(),
    ]);
    this.passkey = !status.passkey ? 'none' : available ? 'usable' : 'unavailable';
    this.wait(throttle.notBefore);
  }

  private wait(notBefore: number): void {
    this.notBefore = notBefore;
    this.now = Date.now();
    if (notBefore <= this.now) return;
    this.stopTicker();
    this.ticker = setInterval(() => {
      this.now = Date.now();
      if (this.now >= this.notBefore) this.stopTicker();
    }, 250);
  }

  private stopTicker(): void {
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
  }

  private get waiting(): number {
    return Math.max(0, this.notBefore - this.now);
  }

  private async submit(event: Event): Promise<void> {
    event.preventDefault();
    if (this.busy || this.waiting > 0 || !this.passphrase) return;
    await this.attempt(() => appLock.unlockWithPassphrase(this.passphrase));
  }

  private async attempt(run: () => Promise<LockResult>): Promise<void> {
    this.busy = true;
    this.error = '';
    const result = await run();
    this.busy = false;
    if (result.ok) {
      this.passphrase = '';
      return;
    }
    const wait = (result.notBefore ?? 0) - Date.now();
    this.error =
      wait > 0
        ? `${LOCK_WORDS[result.code]} Wait ${waitWords(wait)} before the next try.`
        : LOCK_WORDS[result.code];
    if (result.notBefore) this.wait(result.notBefore);
    this.passphrase = '';
    await this.updateComplete;
    this.field?.focus();
  }

  override render() {
    const waiting = this.waiting;
    return html`<section aria-labelledby="lock-h">
      <h2 id="lock-h">MFA Companion is locked</h2>
      <p>Your codes are hidden and the keys are not in memory until you unlock.</p>
      <form @submit=${this.submit}>
        <div><label for="lock-pass">Passphrase</label>
          <input id="lock-pass" type="password" autocomplete="current-password" .value=${this.passphrase}
            aria-describedby=${this.error ? 'lock-error' : nothing} aria-invalid=${this.error ? 'true' : 'false'}
            @input=${(e: Event) => (this.passphrase = (e.target as HTMLInputElement).value)} /></div>
        <p id="lock-error" class=${this.error ? 'error' : ''} role="alert">${this.error}</p>
        <div class="buttons"><button class="primary" type="submit" ?disabled=${this.busy || waiting > 0}
          data-testid="unlock">${
            this.busy
              ? 'Unlocking…'
              : waiting > 0
                ? `Unlock (wait ${Math.ceil(waiting / 1000)} s)`
                : 'Unlock'
          }</button></div>
      </form>
      ${
        this.passkey === 'usable'
          ? html`<p class="or">Or:</p><button type="button" ?disabled=${this.busy}
              @click=${() => this.attempt(() => appLock.unlockWithPasskey())}>Unlock with passkey</button>`
          : this.passkey === 'unavailable'
            ? html`<p data-testid="passkey-unavailable">${LOCK_WORDS.PASSKEY_UNAVAILABLE}</p>`
            : nothing
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lock-screen': LockScreen;
  }
}
