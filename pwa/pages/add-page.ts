import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import {
  collectMigrationParts,
  decodeMigrationPayload,
  type MigrationParts,
} from '../../sdk/otp/index.ts';
import { type AddPlan, type Candidate, markDuplicates } from '../add/find-duplicates.ts';
import {
  ADD_ERROR_CODES,
  type KeyTextResult,
  type ManualFields,
  missingWords,
  readKeyText,
  readManualFields,
} from '../add/read-key-text.ts';
import { takeSharedItem } from '../add/shared-item.ts';
import '../components/account-preview.ts';
import '../components/manual-entry-form.ts';
import { accountsModel } from '../state/app-model.ts';
import { storeAddPlan } from '../state/store-plan.ts';
import { tokens } from '../styles/tokens.ts';

/** The ways of adding, in tab order. */
const TABS = [
  // Short enough that all four fit on one line of a 360 px phone.
  { id: 'scan', label: 'Scan' },
  { id: 'image', label: 'Image' },
  { id: 'paste', label: 'Paste' },
  { id: 'manual', label: 'Enter key' },
] as const;
type Tab = (typeof TABS)[number]['id'];

/** Words for a QR code that holds something else: it is reported, never opened. */
const NOT_A_KEY_QR = 'This QR code is not an authenticator key, so it was not opened or stored.';
/** Words for shared text that holds no key. */
const NOT_A_KEY_SHARED =
  'The shared text is not an authenticator key, so it was not opened or stored.';

/**
 * The add screen: camera, QR image, pasted link, typed key, or a deep link
 * `#/add?uri=<percent-encoded otpauth URI>`; every path ends in the same preview-and-confirm step.
 * Every failure shows its message and stores nothing.
 *
 * @example html`<add-page .params=${new URLSearchParams('tab=manual')}></add-page>`
 */
@customElement('add-page')
export class AddPage extends LitElement {
  static override styles = [
    tokens,
    css`
      :host { display: block; }
      /* Four in a row, each as wide as its word, wrapping only when large text does not fit. */
      [role='tablist'] { display: flex; flex-wrap: wrap; gap: 4px; margin-bottom: 14px; }
      [role='tab'] { flex: 1 1 auto; padding: 0 8px; overflow-wrap: anywhere; }
      [role='tab'][aria-selected='true'] { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); }
      .error { border-left: 4px solid var(--danger); padding: 6px 10px; margin: 0 0 12px; }
      .alternatives { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
      textarea { min-height: 96px; margin-bottom: 10px; }
    `,
  ];

  /** The route's query: `tab` picks the first way shown, `uri` hands over a key. */
  @property({ attribute: false }) params = new URLSearchParams();
  @state() private tab: Tab = 'scan';
  @state() private error: { code: string; message: string } | null = null;
  @state() private candidates: Candidate[] | null = null;
  @state() private scanAttempt = 0;
  @state() private scanningReady: 'scan' | 'image' | null = null;
  /** "2 of 3 parts read…" while a Google Authenticator export is scanned code by code. */
  @state() private partsStatus: string | null = null;
  private loadingScanning: 'scan' | 'image' | null = null;
  private parts: MigrationParts | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('params')) return;
    const tab = this.params.get('tab');
    if (TABS.some((t) => t.id === tab)) this.tab = tab as Tab;
    const uri = this.params.get('uri');
    if (uri !== null) {
      // The key must not linger in the address bar or the history.
      history.replaceState(history.state, '', '#/add');
      void this.accept(readKeyText(uri));
    }
    if (this.params.get('shared') !== null) {
      history.replaceState(history.state, '', '#/add');
      void this.openShared();
    }
  }

  protected override updated(): void {
    if ((this.tab === 'scan' || this.tab === 'image') && !this.candidates)
      void this.loadScanning(this.tab);
  }

  /** An item shared to the app (Web Share Target): a link goes to the preview, an image is read. */
  private async openShared(): Promise<void> {
    const item = await takeSharedItem();
    const fromText = item?.text === undefined ? null : readKeyText(item.text);
    if (fromText && (fromText.ok || !item?.file)) {
      if (!fromText.ok && fromText.code === ADD_ERROR_CODES.NOT_A_KEY) {
        this.error = { code: fromText.code, message: NOT_A_KEY_SHARED };
      } else {
        void this.accept(fromText);
      }
      return;
    }
    if (item?.file) {
      this.tab = 'image';
      await this.loadScanning('image');
      await this.updateComplete;
      await this.renderRoot.querySelector('qr-image-input')?.read(item.file);
      return;
    }
    this.error = {
      code: 'NOTHING_SHARED',
      message: 'Nothing was shared to the app. Choose a way to add below.',
    };
  }

  private async loadScanning(tab: 'scan' | 'image'): Promise<void> {
    if (this.scanningReady === tab || this.loadingScanning === tab) return;
    this.loadingScanning = tab;
    try {
      // The decoder and the camera code load only now, never for the first paint.
      await (tab === 'scan'
        ? import('../scanning/qr-scanner.ts')
        : import('../scanning/qr-image-input.ts'));
      this.scanningReady = tab;
    } catch {
      this.error = {
        code: 'LOAD_FAILED',
        message: 'The scanner could not be loaded. Paste the link or enter the key instead.',
      };
    } finally {
      this.loadingScanning = null;
    }
  }

  /**
   * A scanned QR code. One part of an export spread over several codes is collected until every
   * part of that export is in ("2 of 3 scanned"); a part already read is ignored, a part of
   * another export is refused with a message and the collection goes on. A refused code cancels
   * the event, so the scanner shows no "QR code read" beside the message.
   */
  private onQrText(event: CustomEvent<{ text: string }>): void {
    const { text } = event.detail;
    const trimmed = text.trim();
    let payload: ReturnType<typeof decodeMigrationPayload> | null = null;
    if (/^otpauth-migration:/i.test(trimmed)) {
      try {
        payload = decodeMigrationPayload(trimmed);
      } catch {
        payload = null;
      }
    }
    if (!payload || payload.batch.size < 2) {
      const result = readKeyText(text);
      if (!result.ok) event.preventDefault();
      void this.accept(result, true);
      return;
    }
    this.parts ??= collectMigrationParts();
    const result = this.parts.add(payload);
    const { received, size } = result;
    if (result.status === 'complete') {
      this.parts = null;
      this.partsStatus = null;
      void this.accept({ ok: true, accounts: result.accounts }, true);
      return;
    }
    if (result.status === 'foreign') {
      event.preventDefault();
      this.error = {
        code: ADD_ERROR_CODES.FOREIGN_PART,
        message: `This QR code belongs to another Google Authenticator export, so it was not used. ${received} of ${size} of the first export are scanned.`,
      };
    } else {
      this.error = null;
    }
    this.partsStatus = `Google Authenticator export: ${received} of ${size} scanned. Show the next QR code: ${missingWords(this.parts.missing())} missing.`;
  }

  private async accept(result: KeyTextResult, fromQr = false): Promise<void> {
    if (!result.ok) {
      this.error = {
        code: result.code,
        message:
          fromQr && result.code === ADD_ERROR_CODES.NOT_A_KEY ? NOT_A_KEY_QR : result.message,
      };
      return;
    }
    this.error = null;
    // Duplicates are judged against the whole vault, so wait until all of it is read.
    await accountsModel.load();
    this.candidates = markDuplicates(result.accounts, accountsModel.entries);
    // The form that had focus is gone: take it to the preview's heading, which says what is next.
    await this.updateComplete;
    await this.renderRoot.querySelector('account-preview')?.focusHeading();
  }

  private async store(event: CustomEvent<AddPlan>): Promise<void> {
    if (await storeAddPlan(event.detail)) {
      window.location.hash = '#/';
      return;
    }
    this.error = {
      code: 'STORE_FAILED',
      message: 'The account could not be stored. Nothing was saved.',
    };
    this.renderRoot.querySelector('account-preview')?.reset();
  }

  private select(tab: Tab): void {
    if (tab === 'scan') this.scanAttempt++;
    this.tab = tab;
    this.error = null;
  }

  private onTabKey(event: KeyboardEvent): void {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const i = (TABS.findIndex((t) => t.id === this.tab) + step + TABS.length) % TABS.length;
    this.select(TABS[i]!.id);
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>('[aria-selected="true"]')?.focus(),
    );
  }

  override render() {
    const error = this.error
      ? html`<p class="error" role="alert" data-code=${this.error.code}>${this.error.message}</p>`
      : nothing;
    if (this.candidates) {
      return html`${error}<account-preview .candidates=${this.candidates} @confirm-add=${this.store}
        @cancel-add=${() => (this.candidates = null)}></account-preview>`;
    }
    return html`<div role="tablist" aria-label="Ways to add an account" @keydown=${this.onTabKey}>
        ${TABS.map(
          (
            t,
          ) => html`<button role="tab" id="tab-${t.id}" aria-controls="panel" aria-selected=${t.id === this.tab}
            tabindex=${t.id === this.tab ? 0 : -1} @click=${() => this.select(t.id)}>${t.label}</button>`,
        )}
      </div>
      ${error}
      ${this.partsStatus ? html`<p role="status" data-testid="parts-status">${this.partsStatus}</p>` : nothing}
      <section id="panel" role="tabpanel" aria-labelledby="tab-${this.tab}">${this.panel()}</section>`;
  }

  private panel() {
    switch (this.tab) {
      case 'scan':
        if (this.scanningReady !== 'scan')
          return html`<p aria-busy="true">Starting the camera…</p>`;
        return keyed(
          this.scanAttempt,
          // The scanner shows its own camera failures; the slot offers the other ways to add.
          // Continuous: the camera stays on from one part of an export to the next.
          html`<qr-scanner continuous @qr-detected=${(e: CustomEvent<{ text: string }>) => this.onQrText(e)}
            @scan-cancel=${() => (window.location.hash = '#/')}>
            <div slot="alternatives" class="alternatives">
              <button @click=${() => this.select('image')}>Use a QR image</button>
              <button @click=${() => this.select('paste')}>Paste a link</button>
              <button @click=${() => this.select('manual')}>Enter the key</button>
            </div>
          </qr-scanner>`,
        );
      case 'image':
        if (this.scanningReady !== 'image') return html`<p aria-busy="true">Loading…</p>`;
        return html`<qr-image-input @qr-detected=${(e: CustomEvent<{ text: string }>) => this.onQrText(e)}
          @qr-not-found=${() => (this.error = null)}></qr-image-input>`;
      case 'paste':
        return html`<form @submit=${(e: SubmitEvent) => {
          e.preventDefault();
          const text = new FormData(e.target as HTMLFormElement).get('uri');
          void this.accept(readKeyText(String(text ?? '')));
        }}>
          <label for="uri">Key link (otpauth:// or otpauth-migration://; several, one per line)</label>
          <textarea id="uri" name="uri" autocomplete="off" spellcheck="false" required></textarea>
          <button class="primary" type="submit">Continue</button>
        </form>`;
      case 'manual':
        return html`<manual-entry-form @manual-submit=${(e: CustomEvent<ManualFields>) =>
          void this.accept(readManualFields(e.detail))}></manual-entry-form>`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'add-page': AddPage;
  }
}
