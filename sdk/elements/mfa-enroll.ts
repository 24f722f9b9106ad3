import { css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { MfaSetup } from '../client/index.ts';
import { parseKeyUri } from '../otp/index.ts';
import { ClientElement } from './client-element.ts';
import { CountdownController, formatSeconds } from './countdown-controller.ts';
import { asApiError, FINAL_CODES, messageFor } from './error-messages.ts';
import { emit } from './events.ts';
import './mfa-recovery-codes.ts';
import { sanitizeQrSvg } from './sanitize-qr-svg.ts';
import { theme } from './theme.ts';

type Step = 'idle' | 'starting' | 'scan' | 'codes' | 'done' | 'failed';

/**
 * `<mfa-enroll>`: sets MFA up. Shows the QR, the "Show secret key for manual configuration"
 * toggle, an "Add to this phone" link to the PWA, the "Verify MFA Code" box and Enable, then the
 * recovery codes. Without `challenge-id` it enrols the signed-in user (profile flow:
 * `/api/me/mfa/setup` + `/enable`); with it, a user the policy sends to set-up during login
 * (`/api/login/mfa/setup` + `/setup/verify`, which also signs them in).
 *
 * @example
 * <mfa-enroll pwa-url="/app/"></mfa-enroll>
 * <script type="module">
 *   document.querySelector('mfa-enroll')
 *     .addEventListener('mfa-recovery-codes-saved', () => location.reload());
 * </script>
 */
@customElement('mfa-enroll')
export class MfaEnroll extends ClientElement {
  static override styles = [
    theme,
    css`
      .scan {
        display: grid;
        gap: var(--mfa-gap, 0.75rem);
      }
      img {
        width: var(--mfa-qr-size, 12rem);
        height: var(--mfa-qr-size, 12rem);
        image-rendering: pixelated;
        background: #fff;
        padding: 0.5rem;
        border: 1px solid var(--mfa-color-border, #b8c0cc);
        border-radius: var(--mfa-radius, 0.5rem);
      }
      code {
        font: 1.1em/1.4 var(--mfa-font-mono, ui-monospace, monospace);
        word-spacing: 0.3em;
        user-select: all;
      }
      /* The key breaks between groups of four, never inside one. */
      .group {
        white-space: nowrap;
      }
      .secret {
        display: grid;
        gap: 0.5rem;
        margin: 0;
      }
      .secret dl {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 0.125rem 0.75rem;
        margin: 0;
      }
      .secret dt {
        font-weight: 600;
      }
      .secret dd {
        margin: 0;
        overflow-wrap: anywhere;
      }
      .key {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 0.25rem 1rem;
      }
      a.add {
        justify-self: start;
        display: inline-flex;
        align-items: center;
        min-height: 2.75rem;
        padding: 0 1.2em;
        border: 2px solid var(--mfa-color-accent, #2456d6);
        border-radius: var(--mfa-radius, 0.5rem);
        color: var(--mfa-color-accent, #2456d6);
        font-weight: 600;
        text-decoration: none;
      }
      a.add:visited {
        color: var(--mfa-color-accent, #2456d6);
      }
      ol {
        margin: 0;
        padding-left: 1.25rem;
      }
    `,
  ];

  /** Login set-up flow: the challenge from `{ status: 'mfa_setup_required', challengeId }`. */
  @property({ attribute: 'challenge-id' }) challengeId = '';
  /** Where the PWA lives; the "Add to this phone" link opens `<pwa-url>#/add?uri=…`. */
  @property({ attribute: 'pwa-url' }) pwaUrl = '/app/';
  /** Do not start on connect; call `start()` yourself. */
  @property({ type: Boolean }) manual = false;
  /**
   * When to offer "Add to this phone": `auto` (default) on a touch or phone-sized screen only,
   * where the PWA can take the key; `always`; `never`.
   */
  @property({ attribute: 'add-link' }) addLink: 'auto' | 'always' | 'never' = 'auto';

  @state() private step: Step = 'idle';
  @state() private setup: (MfaSetup & { qrUrl: string | null }) | undefined;
  @state() private showSecret = false;
  @state() private copied = '';
  @state() private busy = false;
  @state() private error = '';
  @state() private final = false;
  @state() private errorCode = '';
  @state() private recoveryCodes: string[] = [];
  /** The key's issuer and account name, kept past Enable to name the recovery codes. */
  @state() private keyNames = { issuer: '', account: '' };
  @query('input') private input!: HTMLInputElement;

  private lockout = new CountdownController(this, () => {
    this.error = '';
  });

  // Starting at the first update, not on connect, lets a page set `client` or `challenge-id`
  // right after inserting the element.
  override firstUpdated(): void {
    if (!this.manual && this.step === 'idle') void this.start();
  }

  /** Asks the server for a new secret and shows it; also what "Try again" does. */
  async start(): Promise<void> {
    this.step = 'starting';
    this.error = '';
    this.errorCode = '';
    this.final = false;
    this.showSecret = false;
    this.copied = '';
    try {
      const setup = this.challengeId
        ? await this.api.loginMfaSetup({ challengeId: this.challengeId })
        : await this.api.startMfaSetup();
      this.setup = { ...setup, qrUrl: sanitizeQrSvg(setup.qrSvg) };
      this.keyNames = namesOf(setup.otpauthUri);
      this.step = 'scan';
    } catch (caught) {
      this.fail(caught);
      this.step = 'failed';
    }
  }

  override render() {
    switch (this.step) {
      case 'idle':
        return nothing;
      case 'starting':
        return html`<p class="status" role="status" part="status">Preparing your key…</p>`;
      case 'failed':
        return html`<p class="error" part="error" role="alert">${this.error}</p>
          ${this.final ? nothing : html`<button class="primary" part="button" @click=${this.start}>Try again</button>`}`;
      case 'scan':
        return this.renderScan();
      case 'codes':
        return html`<mfa-recovery-codes part="recovery-codes" .codes=${this.recoveryCodes}
          issuer=${this.keyNames.issuer} account=${this.keyNames.account}
          exportparts="heading, codes, code, actions, action, copy, download, print, notice, confirm"
          @mfa-recovery-codes-saved=${this.saved}></mfa-recovery-codes>`;
      case 'done':
        return html`<p class="status" role="status" part="status">MFA is on.</p>`;
    }
  }

  private renderScan() {
    const setup = this.setup!;
    const locked = this.lockout.running;
    // A new tab: coming back to this page must find the same key, not start a new set-up.
    const addUrl = `${this.pwaUrl}#/add?uri=${encodeURIComponent(setup.otpauthUri)}`;
    return html`<div class="scan">
      <ol>
        <li>Scan this QR code with your authenticator app.</li>
        <li>Type the code the app shows, then press Enable.</li>
      </ol>
      ${setup.qrUrl ? html`<img part="qr" src=${setup.qrUrl} alt="QR code of your MFA key" />` : nothing}
      <button class="link" part="secret-toggle" type="button" aria-expanded=${this.showSecret}
        aria-controls="secret" @click=${() => (this.showSecret = !this.showSecret)}>
        ${this.showSecret ? 'Hide secret key' : 'Show secret key for manual configuration'}
      </button>
      <div id="secret" class="secret" ?hidden=${!this.showSecret}>
        <p class="hint">In your app, choose to enter a setup key, and type:</p>
        <dl>
          ${this.keyNames.account ? html`<dt>Account name</dt><dd part="secret-account">${this.keyNames.account}</dd>` : nothing}
          ${this.keyNames.issuer ? html`<dt>Issuer or key name</dt><dd part="secret-issuer">${this.keyNames.issuer}</dd>` : nothing}
          <dt>Key</dt>
          <dd class="key">
            <code part="secret">${groupSecret(setup.secret).map((g, i) => html`${i ? ' ' : ''}<span class="group">${g}</span>`)}</code>
            <button class="link" part="secret-copy" type="button" @click=${this.copySecret}>Copy key</button>
          </dd>
          <dt>Type of key</dt><dd>Time-based</dd>
        </dl>
        <p class="status" role="status" part="secret-status">${this.copied}</p>
      </div>
      ${
        this.offersAddLink()
          ? html`<a class="add" part="add-link" href=${addUrl} target="_blank" rel="noopener">Add to this phone</a>`
          : nothing
      }
      <form part="form" novalidate @submit=${this.verify}>
        <label for="code" part="label">Verify MFA Code</label>
        <input id="code" part="input" name="code" autocomplete="one-time-code" inputmode="numeric"
          pattern="[0-9 ]*" maxlength="12" required aria-describedby="error"
          aria-invalid=${this.error ? 'true' : 'false'} ?disabled=${this.final || locked} />
        <p class="error" id="error" part="error" role="alert">${this.error}</p>
        ${locked ? html`<p part="countdown" role="timer">Try again in ${formatSeconds(this.lockout.remaining)}</p>` : nothing}
        <button class="primary" part="button" type="submit" ?disabled=${this.busy || this.final || locked}>
          ${this.busy ? 'Enabling…' : 'Enable'}
        </button>
        ${
          this.errorCode === 'ENROLMENT_NOT_STARTED'
            ? html`<button class="link" part="restart" type="button" @click=${this.start}>Start again</button>`
            : nothing
        }
      </form>
    </div>`;
  }

  /** "Add to this phone" only where the PWA on this device can take the key. */
  private offersAddLink(): boolean {
    if (this.addLink !== 'auto') return this.addLink === 'always';
    return matchMedia('(pointer: coarse), (max-width: 40em)').matches;
  }

  private async copySecret(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.setup?.secret ?? '');
      this.copied = 'Key copied.';
    } catch {
      // Clipboard needs a secure context and permission; selecting lets the person copy by hand.
      const key = this.renderRoot.querySelector('[part=secret]');
      if (key) getSelection()?.selectAllChildren(key);
      this.copied = 'Copy is not available here: the key is selected, copy it by hand.';
    }
  }

  private async verify(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const code = this.input.value.replace(/\s/g, '');
    if (!code) {
      this.error = 'Type the code from your authenticator app first.';
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      if (this.challengeId) {
        const { user, recoveryCodes } = await this.api.loginMfaSetupVerify({
          challengeId: this.challengeId,
          code,
        });
        this.recoveryCodes = recoveryCodes;
        emit(this, 'mfa-enrolled', { user });
      } else {
        this.recoveryCodes = (await this.api.enableMfa({ code })).recoveryCodes;
        emit(this, 'mfa-enrolled', { user: null });
      }
      this.setup = undefined;
      this.step = 'codes';
    } catch (caught) {
      this.fail(caught);
    } finally {
      this.busy = false;
    }
    if (!this.final && this.step === 'scan' && !this.lockout.running) {
      await this.updateComplete;
      // The typed code stays, selected: people see what they mistyped, and typing replaces it.
      this.input.focus();
      this.input.select();
    }
  }

  private fail(caught: unknown): void {
    const error = asApiError(caught);
    this.error = messageFor(error);
    this.errorCode = error.code;
    this.final = FINAL_CODES.has(error.code);
    if (error.status === 429) this.lockout.start(error.retryAfter ?? 60);
    emit(this, 'mfa-error', { code: error.code, message: this.error });
  }

  private saved(): void {
    // The inner element's event is composed and bubbles on past this one by itself.
    this.recoveryCodes = [];
    this.step = 'done';
  }
}

/** The issuer and account name a key URI gives an authenticator app (empty when unreadable). */
function namesOf(uri: string): { issuer: string; account: string } {
  try {
    const { issuer = '', label } = parseKeyUri(uri);
    return { issuer, account: label };
  } catch {
    return { issuer: '', account: '' };
  }
}

/** A base32 secret in groups of four, as authenticator apps show it: `JBSW Y3DP EHPK 3PXP`. */
function groupSecret(secret: string): string[] {
  return secret.match(/.{1,4}/g) ?? [];
}

declare global {
  interface HTMLElementTagNameMap {
    'mfa-enroll': MfaEnroll;
  }
}
