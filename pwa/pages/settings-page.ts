import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../components/install-button.ts';
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
      section { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius);
        padding: 4px 14px 14px; margin-bottom: 12px; }
    `,
  ];

  @state() private persisted: PersistenceAnswer | null = null;
  @state() private asked = false;
  private readonly model = new ModelController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void persistenceState().then((p) => (this.persisted = p));
  }

  private async persist(): Promise<void> {
    this.persisted = await requestPersistence();
    this.asked = true;
  }

  override render() {
    const count = this.model.model.entries.length;
    return html`<section aria-labelledby="vault-h">
        <h2 id="vault-h">Vault</h2>
        <p>${count} ${count === 1 ? 'account' : 'accounts'} on this device. Keys are encrypted (AES-GCM) with a key
          the browser keeps and never lets any script read; they never leave this device.</p>
        ${
          this.persisted === null
            ? nothing
            : html`<p data-testid="storage-answer" role="status">${this.asked && this.persisted !== 'kept' ? 'The browser said no. ' : ''}${PERSISTENCE_WORDS[this.persisted]}</p>
              ${this.persisted === 'kept' ? nothing : html`<button @click=${this.persist}>Keep my accounts stored</button>`}`
        }
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
