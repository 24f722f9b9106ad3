import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../components/install-button.ts';
import '../lock/app-lock-settings.ts';
import { ModelController } from '../state/app-model.ts';
import { lastBackupWords } from '../state/backup-status.ts';
import {
  PERSISTENCE_WORDS,
  type PersistenceAnswer,
  persistenceState,
  requestPersistence,
} from '../state/storage-persistence.ts';
import { tokens } from '../styles/tokens.ts';

/**
 * Settings and facts: version, how the vault protects keys, and a request for persistent storage
 * so the browser does not evict the vault under storage pressure.
 *
 * @example html`<settings-page></settings-page>`
 */
@customElement('settings-page')
export class SettingsPage extends LitElement {
  static override styles = [
    tokens,
    css`
      :host { display: block; }
      .answer { border-left: 4px solid var(--danger); padding: 6px 10px; }
      .answer.kept { border-left-color: var(--ok); }
      .answer:focus { outline: none; }
      .answer:focus-visible { outline: 3px solid var(--focus); }
      section { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius);
        padding: 4px 14px 14px; margin-bottom: 12px; }
    `,
  ];

  @state() private persisted: PersistenceAnswer | null = null;
  /** 'asking' while the browser answers (Firefox may show a prompt), then 'answered'. */
  @state() private asked: 'no' | 'asking' | 'answered' = 'no';
  private readonly model = new ModelController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void persistenceState().then((p) => (this.persisted = p));
  }

  private async persist(): Promise<void> {
    this.asked = 'asking';
    this.persisted = await requestPersistence();
    this.asked = 'answered';
    // The answer replaces what was said before and, when kept, the button that had focus: take
    // focus there so the answer is seen and heard, whatever it is.
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[data-testid="storage-answer"]')?.focus();
  }

  private renderStorage() {
    const answer = this.persisted;
    if (answer === null) return nothing;
    const answered = this.asked === 'answered';
    const words = !answered
      ? PERSISTENCE_WORDS[answer]
      : answer === 'kept'
        ? `Done. ${PERSISTENCE_WORDS.kept}`
        : answer === 'may-clear'
          ? `The browser said no. It keeps storage only for sites that are used a lot or installed, and decides by itself without asking you. Your accounts are still here, but it may clear them when space runs low: make a backup.`
          : `The browser said no: it cannot promise to keep storage at all. Your accounts are still here, but make a backup.`;
    return html`<p data-testid="storage-answer" role="status" tabindex="-1"
        class=${answered ? (answer === 'kept' ? 'answer kept' : 'answer refused') : ''}>${words}</p>
      ${answered && answer !== 'kept' ? html`<p><a href="#/backup">Make a backup</a></p>` : nothing}
      ${
        answer === 'kept'
          ? nothing
          : html`<button @click=${this.persist} ?disabled=${this.asked === 'asking'}>${
              this.asked === 'asking'
                ? 'Asking the browser…'
                : answered
                  ? 'Ask again'
                  : 'Keep my accounts stored'
            }</button>`
      }`;
  }

  override render() {
    const count = this.model.model.entries.length;
    return html`<section aria-labelledby="vault-h">
        <h2 id="vault-h">Vault</h2>
        <p>${count} ${count === 1 ? 'account' : 'accounts'} on this device. Keys are encrypted (AES-GCM)
          and never leave this device; without an app lock, the browser keeps the encryption key and
          lets no script read it, with one, only your passphrase (or passkey) unwraps it.</p>
        ${this.renderStorage()}
      </section>
      <section aria-labelledby="lock-h">
        <h2 id="lock-h">App lock</h2>
        <app-lock-settings></app-lock-settings>
      </section>
      <section aria-labelledby="backup-h">
        <h2 id="backup-h">Backup</h2>
        <p data-testid="last-backup">Last backup: ${lastBackupWords()}.</p>
        <p><a href="#/backup">Back up, export or import accounts</a></p>
      </section>
      <section aria-labelledby="about-h">
        <h2 id="about-h">About</h2>
        <p>MFA Companion ${__APP_VERSION__}. Works offline once opened. Updates wait for your consent.</p>
        <install-button></install-button>
        <p><a href="#/">Back to your codes</a></p>
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'settings-page': SettingsPage;
  }
}
