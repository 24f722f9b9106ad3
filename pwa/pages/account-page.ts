import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { formatKeyUri } from '../../sdk/otp/index.ts';
import '../components/qr-code.ts';
import { holdToasts, showToast } from '../components/toast.ts';
import { accountsModel, ModelController } from '../state/app-model.ts';
import { tokens } from '../styles/tokens.ts';

/**
 * Details of one account: its parameters, editing of issuer and account name, and deletion
 * (confirmed in a dialog, then undoable from the toast). The secret is never shown here.
 *
 * @example html`<account-page .accountId=${id}></account-page>`
 */
@customElement('account-page')
export class AccountPage extends LitElement {
  static override styles = [
    tokens,
    css`
      :host { display: block; }
      form { display: grid; gap: 14px; margin-bottom: 24px; }
      dl { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 4px 16px; margin: 0 0 20px; }
      dt { color: var(--muted); }
      /* Large text: a long date or name wraps instead of widening the page. */
      dd { margin: 0; overflow-wrap: anywhere; }
      h2 { overflow-wrap: anywhere; }
      dialog { border: 1px solid var(--border); border-radius: var(--radius); background: var(--surface); color: var(--fg);
        max-width: min(92vw, 420px); }
      dialog::backdrop { background: rgb(0 0 0 / 0.5); }
      .buttons { display: flex; gap: 8px; flex-wrap: wrap; }
      .qr { margin: 0 0 24px; }
      .qr qr-code { margin-top: 12px; }
    `,
  ];

  @property({ attribute: false }) accountId = '';
  @state() private error = '';
  /** The account's QR code is on screen (it holds the secret: only on request). */
  @state() private showQr = false;
  @query('dialog') private dialog!: HTMLDialogElement | null;
  private readonly model = new ModelController(this);

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Another account: its QR code waits to be asked for too.
    if (changed.has('accountId')) this.showQr = false;
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const entry = accountsModel.get(this.accountId);
    if (!entry) return;
    const data = new FormData(event.target as HTMLFormElement);
    const issuer = String(data.get('issuer') ?? '').trim();
    const label = String(data.get('label') ?? '').trim() || issuer;
    if (!label) {
      this.error = 'Enter the service (issuer) or the account name.';
      return;
    }
    const { issuer: _old, ...rest } = entry.account;
    try {
      await accountsModel.update({
        ...entry,
        account: { ...rest, label, ...(issuer ? { issuer } : {}) },
      });
      showToast({ message: 'Saved' });
      window.location.hash = '#/';
    } catch {
      this.error = 'The change could not be stored.';
    }
  }

  private readonly confirmDelete = (): void => {
    // A toast from before (Saved, accounts added) would stay dimmed behind the backdrop, beside
    // a question it has nothing to do with.
    holdToasts(true);
    this.dialog?.showModal();
  };

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Gone with its dialog open (Back): a removed dialog fires no close event.
    holdToasts(false);
  }

  private async deleteAccount(): Promise<void> {
    this.dialog?.close();
    const undo = await accountsModel.remove(this.accountId);
    window.location.hash = '#/';
    showToast({ message: 'Account deleted', action: { label: 'Undo', run: undo } });
  }

  override render() {
    const entry = accountsModel.get(this.accountId);
    const { status, complete } = this.model.model;
    // A deep link into a long vault may arrive before the record is read.
    if (!entry && (status === 'loading' || (status === 'ready' && !complete))) {
      return html`<p aria-busy="true">Opening your vault…</p>`;
    }
    if (!entry)
      return html`<p>This account does not exist (any more). <a href="#/">Back to your codes</a></p>`;
    const a = entry.account;
    return html`<h2>${a.issuer ?? a.label}</h2>
      <dl>
        <dt>Type</dt><dd>${a.type === 'totp' ? 'Time-based (TOTP)' : 'Counter-based (HOTP)'}</dd>
        <dt>Algorithm</dt><dd>${a.algorithm}</dd>
        <dt>Digits</dt><dd>${a.digits}</dd>
        ${a.type === 'totp' ? html`<dt>Period</dt><dd>${a.period} s</dd>` : html`<dt>Counter</dt><dd>${a.counter ?? 0}</dd>`}
        <dt>Added</dt><dd>${new Date(entry.addedAt).toLocaleString()}</dd>
      </dl>
      <form @submit=${this.save}>
        <div><label for="issuer">Service (issuer)</label><input id="issuer" name="issuer" .value=${a.issuer ?? ''} autocomplete="off" /></div>
        <div><label for="label">Account name</label><input id="label" name="label" .value=${a.label} autocomplete="off" /></div>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <div class="buttons"><button class="primary" type="submit">Save</button><a class="button" href="#/">Cancel</a></div>
      </form>
      <section class="qr" aria-labelledby="qr-title">
        <h3 id="qr-title">Add it to another app</h3>
        <p id="qr-warning">A QR code of this account, for another authenticator app or phone to scan. It holds the
          secret key: anyone who sees or photographs it can make your codes.</p>
        <button aria-describedby="qr-warning" aria-expanded=${this.showQr ? 'true' : 'false'}
          @click=${() => (this.showQr = !this.showQr)}>${this.showQr ? 'Hide QR code' : 'Show QR code'}</button>
        ${this.showQr ? html`<qr-code .text=${formatKeyUri(a)} label="QR code of ${a.issuer ? `${a.issuer} (${a.label})` : a.label}"></qr-code>` : nothing}
      </section>
      <button class="danger" @click=${this.confirmDelete}>Delete account</button>
      <dialog aria-labelledby="confirm-title" @close=${() => holdToasts(false)}>
        <h3 id="confirm-title">Delete ${a.issuer ?? a.label}?</h3>
        <p>Sign-in with this account needs its codes. Only delete it after turning two-factor sign-in off
          there, or when you have another way in.</p>
        <div class="buttons">
          <button @click=${() => this.dialog?.close()}>Keep</button>
          <button class="danger" @click=${this.deleteAccount}>Delete</button>
        </div>
      </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'account-page': AccountPage;
  }
}
