import { css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ClientElement } from './client-element.ts';
import { CountdownController, formatSeconds } from './countdown-controller.ts';
import { asApiError, FINAL_CODES, isRecoveryCode, messageFor } from './error-messages.ts';
import { emit } from './events.ts';
import { theme } from './theme.ts';

/**
 * `<mfa-challenge>`: the MFA code step of a login. Takes a TOTP or a recovery code for the
 * `challenge-id` that `POST /api/login` returned, and dispatches `mfa-authenticated` with
 * `{ user, usedRecoveryCode }`; wrong codes, an expired challenge and a lockout (with the time
 * remaining) are shown in place and dispatched as `mfa-error`; switching between the app's code
 * and a recovery code dispatches `mfa-mode-changed`, so the page can change its heading.
 *
 * @example
 * <mfa-challenge challenge-id="…"></mfa-challenge>
 * <script type="module">
 *   document.querySelector('mfa-challenge')
 *     .addEventListener('mfa-authenticated', () => location.assign('/'));
 * </script>
 */
@customElement('mfa-challenge')
export class MfaChallenge extends ClientElement {
  static override styles = [
    theme,
    css`
      .countdown {
        margin: 0;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  /** The login challenge to answer. */
  @property({ attribute: 'challenge-id' }) challengeId = '';

  @state() private recoveryMode = false;
  @state() private busy = false;
  @state() private error = '';
  @state() private final = false;
  @state() private done = false;
  @query('input') private input!: HTMLInputElement;

  private lockout = new CountdownController(this, () => {
    this.error = '';
    this.updateComplete.then(() => this.input?.focus());
  });

  override render() {
    if (this.done) return html`<p class="status" role="status" part="status">Signed in.</p>`;
    const locked = this.lockout.running;
    const disabled = this.busy || this.final || locked;
    return html`<form part="form" novalidate @submit=${this.submit}>
      <label for="code" part="label">${this.recoveryMode ? 'Recovery code' : 'MFA code'}</label>
      <p class="hint" id="hint">
        ${
          this.recoveryMode
            ? 'Type one of the recovery codes you saved. Each works once.'
            : 'Type the 6-digit code from your authenticator app, or a recovery code.'
        }
      </p>
      <input
        id="code"
        part="input"
        name="code"
        autocomplete="one-time-code"
        inputmode=${this.recoveryMode ? 'text' : 'numeric'}
        autocapitalize="off"
        spellcheck="false"
        required
        maxlength="64"
        aria-describedby="hint error"
        aria-invalid=${this.error ? 'true' : 'false'}
        ?disabled=${this.final || locked}
      />
      <p class="error" id="error" part="error" role="alert">${this.error}</p>
      ${
        locked
          ? html`<p class="countdown" part="countdown" role="timer" aria-live="off">
              Try again in ${formatSeconds(this.lockout.remaining)}
            </p>`
          : nothing
      }
      <button class="primary" part="button" type="submit" ?disabled=${disabled}>
        ${this.busy ? 'Checking…' : 'Verify'}
      </button>
      <button class="link" part="switch" type="button" @click=${this.toggleMode}>
        ${this.recoveryMode ? 'Use a code from my authenticator app' : 'Use a recovery code'}
      </button>
    </form>`;
  }

  /** Clears errors and the field, e.g. when the page reuses the element for a new challenge. */
  reset(): void {
    this.error = '';
    this.final = false;
    this.done = false;
    if (this.input) this.input.value = '';
  }

  // The code step replaces the password form: take the focus there.
  override firstUpdated(): void {
    this.input?.focus();
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('challengeId') && changed.get('challengeId') !== undefined) this.reset();
  }

  private toggleMode(): void {
    this.recoveryMode = !this.recoveryMode;
    this.error = '';
    emit(this, 'mfa-mode-changed', { recovery: this.recoveryMode });
    this.updateComplete.then(() => this.input.focus());
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    // People type "123 456" as shown by some apps; recovery codes keep their own shape.
    const typed = this.input.value.trim();
    const code = /^[\d\s]+$/.test(typed) ? typed.replace(/\s/g, '') : typed;
    if (!code) {
      this.error = 'Type the code first.';
      this.input.focus();
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const { user, usedRecoveryCode } = await this.api.loginMfa({
        challengeId: this.challengeId,
        code,
      });
      this.done = true;
      emit(this, 'mfa-authenticated', { user, usedRecoveryCode });
    } catch (caught) {
      const error = asApiError(caught);
      this.error = messageFor(error, { recovery: this.recoveryMode || isRecoveryCode(code) });
      this.final = FINAL_CODES.has(error.code);
      if (error.status === 429) this.lockout.start(error.retryAfter ?? 60);
      emit(this, 'mfa-error', { code: error.code, message: this.error });
    } finally {
      this.busy = false;
    }
    if (!this.final && !this.done && !this.lockout.running) {
      await this.updateComplete;
      // The typed code stays, selected: people see what they mistyped, and typing replaces it.
      this.input.focus();
      this.input.select();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mfa-challenge': MfaChallenge;
  }
}
