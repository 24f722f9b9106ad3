import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { type AddPlan, type Candidate, markDuplicates } from '../add/find-duplicates.ts';
import { writeBackup } from '../backup/backup-format.ts';
import { SOURCE_NAMES, type UnsupportedEntry } from '../backup/import-result.ts';
import { MIN_PASSPHRASE, passphraseStrength } from '../backup/passphrase-strength.ts';
import { detectImport, type ImportKind, readImport } from '../backup/read-import.ts';
import { canShareFile, dateStamp, downloadFile } from '../backup/save-file.ts';
import { type TransferExport, transferExport } from '../backup/transfer-export.ts';
import { writeUriList } from '../backup/uri-list.ts';
import '../components/account-preview.ts';
import '../components/qr-code.ts';
import { accountsModel, ModelController } from '../state/app-model.ts';
import { lastBackupWords, recordBackup } from '../state/backup-status.ts';
import { storeAddPlan } from '../state/store-plan.ts';
import { tokens } from '../styles/tokens.ts';

interface PendingImport {
  text: string;
  kind: ImportKind & { ok: true };
}

/**
 * Backup and import: save an encrypted backup file (dated name; Web Share where the browser has
 * it), save a plain otpauth:// list behind a warning, and import any supported file through the
 * one preview. Every failure says why and stores nothing.
 *
 * @example html`<backup-page></backup-page>`
 */
@customElement('backup-page')
export class BackupPage extends LitElement {
  static override styles = [
    tokens,
    css`
      :host { display: block; }
      /* "Authenticator" in a heading at 200 % text is wider than a 320 px phone: break it there. */
      h2 { overflow-wrap: break-word; }
      section { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius);
        padding: 4px 14px 14px; margin-bottom: 12px; }
      form { display: grid; gap: 10px; }
      .error { border-left: 4px solid var(--danger); padding: 6px 10px; margin: 8px 0; }
      .warning { border-left: 4px solid var(--danger); padding: 6px 10px; }
      .check { display: flex; gap: 8px; align-items: flex-start; }
      .buttons { display: flex; gap: 8px; flex-wrap: wrap; }
    `,
  ];

  private readonly model = new ModelController(this);
  @state() private passphrase = '';
  @state() private repeat = '';
  @state() private busy = false;
  @state() private exportError = '';
  @state() private saved: File | null = null;
  @state() private understood = false;
  @state() private transferUnderstood = false;
  /** The transfer QR codes while shown, and which one is on screen. */
  @state() private transfer: TransferExport | null = null;
  @state() private transferIndex = 0;
  @state() private pending: PendingImport | null = null;
  @state() private importError: { code: string; message: string } | null = null;
  @state() private preview: {
    candidates: Candidate[];
    unsupported: UnsupportedEntry[];
    source: string;
  } | null = null;

  private accounts() {
    return accountsModel.entries.map((e) => e.account);
  }

  private async saveBackup(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    this.exportError = '';
    if (passphraseStrength(this.passphrase).score === 0) {
      this.exportError = `Use a passphrase of at least ${MIN_PASSPHRASE} characters.`;
      return;
    }
    if (this.passphrase !== this.repeat) {
      this.exportError = 'The two passphrases differ.';
      return;
    }
    this.busy = true;
    try {
      await accountsModel.load();
      const text = await writeBackup(this.accounts(), this.passphrase);
      const file = new File([text], `mfa-companion-backup-${dateStamp()}.json`, {
        type: 'application/json',
      });
      downloadFile(file);
      recordBackup();
      this.saved = file;
      this.passphrase = this.repeat = '';
    } catch {
      this.exportError = 'The backup could not be made. Nothing was saved.';
    } finally {
      this.busy = false;
    }
  }

  private async savePlain(): Promise<void> {
    await accountsModel.load();
    const file = new File(
      [writeUriList(this.accounts())],
      `mfa-companion-links-${dateStamp()}.txt`,
      {
        type: 'text/plain',
      },
    );
    downloadFile(file);
    recordBackup();
    this.understood = false;
    this.requestUpdate();
  }

  private async share(): Promise<void> {
    if (!this.saved) return;
    try {
      await navigator.share({ files: [this.saved], title: this.saved.name });
    } catch {
      // Cancelled by the user, or refused: the downloaded file is still there.
    }
  }

  private async onFile(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    this.importError = null;
    this.pending = null;
    if (!file) return;
    let text: string;
    try {
      text = await file.text();
    } catch {
      this.importError = { code: 'READ_FAILED', message: 'This file could not be read.' };
      return;
    }
    const kind = detectImport(text);
    if (!kind.ok) {
      this.importError = { code: kind.code, message: kind.message };
      return;
    }
    this.pending = { text, kind };
    if (!kind.encrypted) await this.open('');
  }

  private async open(passphrase: string): Promise<void> {
    if (!this.pending) return;
    this.busy = true;
    try {
      const result = await readImport(this.pending.text, passphrase);
      if (!result.ok) {
        this.importError = { code: result.code, message: result.message };
        return;
      }
      this.importError = null;
      await accountsModel.load();
      this.preview = {
        candidates: markDuplicates(result.accounts, accountsModel.entries),
        unsupported: result.unsupported,
        source: `this ${SOURCE_NAMES[result.source]}`,
      };
      this.pending = null;
    } finally {
      this.busy = false;
    }
  }

  private async store(event: CustomEvent<AddPlan>): Promise<void> {
    if (await storeAddPlan(event.detail)) {
      this.preview = null;
      window.location.hash = '#/';
      return;
    }
    this.importError = {
      code: 'STORE_FAILED',
      message: 'The import could not be stored. Nothing was saved.',
    };
    this.renderRoot.querySelector('account-preview')?.reset();
  }

  override render() {
    if (this.preview) {
      return html`${this.renderImportError()}<account-preview .candidates=${this.preview.candidates}
        .unsupported=${this.preview.unsupported} source=${this.preview.source}
        @confirm-add=${this.store} @cancel-add=${() => (this.preview = null)}></account-preview>`;
    }
    const count = this.model.model.entries.length;
    return html`${this.renderBackup(count)}${this.renderPlain(count)}${this.renderTransfer(count)}${this.renderImport()}`;
  }

  private renderBackup(count: number) {
    const hint = this.passphrase ? passphraseStrength(this.passphrase) : null;
    return html`<section aria-labelledby="backup-h">
      <h2 id="backup-h">Encrypted backup</h2>
      <p data-testid="last-backup">Last backup: ${lastBackupWords()}.</p>
      <p>Saves your ${count} ${count === 1 ? 'account' : 'accounts'} in one file, encrypted with a passphrase
        (AES-256-GCM, key from PBKDF2-SHA256, 600 000 rounds). Keep the file somewhere other than this phone; without
        the passphrase nobody can open it, you included.</p>
      <form @submit=${this.saveBackup}>
        <div><label for="pass">Backup passphrase</label>
          <input id="pass" type="password" autocomplete="new-password" .value=${this.passphrase}
            @input=${(e: Event) => (this.passphrase = (e.target as HTMLInputElement).value)} aria-describedby="strength" /></div>
        <p id="strength" role="status">${hint ? hint.words : `At least ${MIN_PASSPHRASE} characters; several unrelated words work well.`}</p>
        <div><label for="pass2">Passphrase again</label>
          <input id="pass2" type="password" autocomplete="new-password" .value=${this.repeat}
            @input=${(e: Event) => (this.repeat = (e.target as HTMLInputElement).value)} /></div>
        ${this.exportError ? html`<p class="error" role="alert">${this.exportError}</p>` : nothing}
        <div class="buttons"><button class="primary" type="submit" ?disabled=${this.busy || count === 0}>
          ${this.busy ? 'Encrypting…' : 'Save encrypted backup'}</button></div>
      </form>
      ${
        this.saved
          ? html`<p role="status">Saved ${this.saved.name} to your downloads.</p>
            ${canShareFile(this.saved) ? html`<button @click=${this.share}>Share the backup file…</button>` : nothing}`
          : nothing
      }
    </section>`;
  }

  private renderPlain(count: number) {
    return html`<section aria-labelledby="plain-h">
      <h2 id="plain-h">Plain list of links</h2>
      <p class="warning" id="plain-warning"><strong>Not encrypted.</strong> This file lists every secret key in clear
        (one otpauth:// link a line). Anyone who sees it, or any app or cloud that syncs your downloads, can make your
        codes. Use it only to move to another authenticator, then delete it.</p>
      <label class="check"><input type="checkbox" .checked=${this.understood}
        @change=${(e: Event) => (this.understood = (e.target as HTMLInputElement).checked)} />
        I understand that this file shows every key in clear.</label>
      <div class="buttons"><button ?disabled=${!this.understood || count === 0} @click=${this.savePlain}
        aria-describedby="plain-warning">Save plain list</button></div>
    </section>`;
  }

  private async showTransfer(): Promise<void> {
    await accountsModel.load();
    this.transfer = transferExport(this.accounts());
    this.transferIndex = 0;
  }

  private hideTransfer(): void {
    this.transfer = null;
    this.transferUnderstood = false;
  }

  private renderTransfer(count: number) {
    const t = this.transfer;
    return html`<section aria-labelledby="transfer-h">
      <h2 id="transfer-h">Google Authenticator transfer</h2>
      <p>QR codes that Google Authenticator (Transfer accounts › Import accounts) and most authenticator apps read,
        at most 10 accounts a code: scan them in turn with the phone you move to.</p>
      <p class="warning" id="transfer-warning"><strong>Not encrypted.</strong> Each QR code holds secret keys in clear:
        anyone who sees or photographs it can make your codes. Show them where nobody else can see the screen.</p>
      ${
        t
          ? this.renderTransferCodes(t)
          : html`<label class="check"><input type="checkbox" .checked=${this.transferUnderstood}
              @change=${(e: Event) => (this.transferUnderstood = (e.target as HTMLInputElement).checked)} />
              I understand that these QR codes show my keys in clear.</label>
            <div class="buttons"><button ?disabled=${!this.transferUnderstood || count === 0} @click=${this.showTransfer}
              aria-describedby="transfer-warning">Show transfer QR codes</button></div>`
      }
    </section>`;
  }

  private renderTransferCodes(t: TransferExport) {
    const leftOut = t.leftOut.length
      ? html`<p data-testid="transfer-left-out">Left out (Google Authenticator's format cannot carry them):
          ${t.leftOut.map(({ account, why }, i) => html`${i ? ', ' : ''}${account.issuer ? `${account.issuer} (${account.label})` : account.label}: ${why}`)}.</p>`
      : nothing;
    const hide = html`<button @click=${this.hideTransfer}>Hide the QR codes</button>`;
    if (!t.ok) {
      return html`<p class="error" role="alert">${t.message}</p>${leftOut}<div class="buttons">${hide}</div>`;
    }
    const i = this.transferIndex;
    const n = t.uris.length;
    const carried = this.accounts().length - t.leftOut.length;
    const first = i * t.perCode + 1;
    const last = Math.min(carried, (i + 1) * t.perCode);
    return html`<p role="status" data-testid="transfer-position">QR code ${i + 1} of ${n}: accounts ${first}–${last} of ${carried}.</p>
      <qr-code .text=${t.uris[i] ?? ''} label="Transfer QR code ${i + 1} of ${n}"></qr-code>
      ${leftOut}
      <div class="buttons">
        <button ?disabled=${i === 0} @click=${() => this.transferIndex--}>Previous QR code</button>
        <button class="primary" ?disabled=${i === n - 1} @click=${() => this.transferIndex++}>Next QR code</button>
        ${hide}
      </div>`;
  }

  private renderImportError() {
    return this.importError
      ? html`<p class="error" role="alert" data-code=${this.importError.code}>${this.importError.message}</p>`
      : nothing;
  }

  private renderImport() {
    const pending = this.pending;
    return html`<section aria-labelledby="import-h">
      <h2 id="import-h">Import</h2>
      <p>From an MFA Companion backup, an Aegis vault (plain or encrypted), a 2FAS backup (plain or encrypted), a
        Google Authenticator export (its otpauth-migration:// links, every part) or a text file of otpauth:// links.
        You see everything before anything is stored.</p>
      <label for="import-file">Backup file</label>
      <input id="import-file" type="file" accept=".json,.2fas,.txt,application/json,text/plain" @change=${this.onFile} />
      ${this.renderImportError()}
      ${
        pending?.kind.encrypted
          ? html`<form @submit=${(e: SubmitEvent) => {
              e.preventDefault();
              const value = new FormData(e.target as HTMLFormElement).get('import-pass');
              void this.open(String(value ?? ''));
            }}>
              <div><label for="import-pass">Passphrase of this ${SOURCE_NAMES[pending.kind.source]}</label>
                <input id="import-pass" name="import-pass" type="password" autocomplete="off" required /></div>
              <div class="buttons"><button class="primary" type="submit" ?disabled=${this.busy}>
                ${this.busy ? 'Opening…' : 'Open'}</button></div>
            </form>`
          : nothing
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'backup-page': BackupPage;
  }
}
