import { css, html, LitElement, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { QrDetectedDetail } from './qr-scanner.ts';

/** Detail of `qr-not-found`: `NO_QR_FOUND` for an image without a readable QR. */
export interface QrNotFoundDetail {
  code: 'NO_QR_FOUND' | 'NOT_AN_IMAGE';
}

type Phase = 'idle' | 'reading' | 'found' | QrNotFoundDetail['code'];

const messages: Record<Phase, string> = {
  idle: '',
  reading: 'Reading image…',
  found: 'QR code read',
  NO_QR_FOUND: 'No QR code found in this image. Try a sharper or closer picture of the code.',
  NOT_AN_IMAGE: 'This file is not an image. Choose a picture (PNG, JPEG…) of the QR code.',
};

/**
 * `<qr-image-input>`: reads a QR code from a picture chosen with a file picker, dropped on the
 * drop zone, or pasted from the clipboard anywhere on the page while the element is connected.
 * Decoding runs in a Web Worker (zxing-wasm) loaded on first use.
 *
 * @fires qr-detected - `CustomEvent<{ text }>`, bubbles and composed: the QR's text, uninterpreted
 * @fires qr-not-found - `CustomEvent<{ code: 'NO_QR_FOUND' | 'NOT_AN_IMAGE' }>`, bubbles and composed
 * @csspart button - the "Choose an image" button
 * @csspart drop-zone - the drop target; a click anywhere on it opens the picker
 * @csspart message - the progress / result line
 * @cssprop --qr-image-input-border - border of the drop zone (2px dashed currentColor)
 * @cssprop --qr-image-input-active - background of the drop zone while a file is dragged over it
 * @example <qr-image-input @qr-detected=${(e) => this.add(e.detail.text)}></qr-image-input>
 */
@customElement('qr-image-input')
export class QrImageInput extends LitElement {
  // Colours come from the app's shared tokens (pwa/styles/tokens.ts) when the host defines them.
  static override styles = css`
    :host { display: block; }
    .zone {
      display: grid; place-items: center; gap: 0.5rem; padding: 1.25rem; text-align: center;
      border: var(--qr-image-input-border, 2px dashed var(--border, currentColor));
      border-radius: var(--radius, 12px); cursor: pointer;
    }
    .zone.over { background: var(--qr-image-input-active, rgb(127 127 127 / 0.2)); }
    button {
      font: inherit; min-height: 44px; padding: 0 1.25rem; cursor: pointer;
      color: var(--accent-fg, #fff); background: var(--accent, #1b4d8c); border: 0;
      border-radius: var(--radius, 12px);
    }
    button:focus-visible { outline: 3px solid var(--focus, currentColor); outline-offset: 2px; }
    input { display: none; }
    .message { min-height: 1.5em; margin: 0.5rem 0 0; }
    [role='alert'] { color: var(--danger, #a4161a); }
  `;

  @state() private phase: Phase = 'idle';
  @state() private dragging = false;
  @query('input') private input!: HTMLInputElement;

  /** Bumped per file so a slow decode of an earlier file cannot overwrite a later result. */
  #attempt = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('paste', this.#onPaste);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('paste', this.#onPaste);
  }

  /**
   * Decodes a picture as if it had been chosen in the picker.
   *
   * @returns the text, or `null` when it was not an image or held no QR (the message shows why)
   */
  async read(file: Blob): Promise<string | null> {
    const attempt = ++this.#attempt;
    // An empty type is common for files from some pickers; let the decoder judge those.
    if (file.type !== '' && !file.type.startsWith('image/')) return this.#fail('NOT_AN_IMAGE');
    this.phase = 'reading';
    let text: string | null;
    try {
      const { decodeQrFromImage } = await import('./decode-image.ts');
      text = await decodeQrFromImage(file);
    } catch {
      return attempt === this.#attempt ? this.#fail('NOT_AN_IMAGE') : null;
    }
    if (attempt !== this.#attempt) return null;
    if (text === null) return this.#fail('NO_QR_FOUND');
    this.phase = 'found';
    // A host that refuses the text (not a key) cancels the event and shows its own message:
    // "QR code read" beside it would read as success.
    if (!this.#emit<QrDetectedDetail>('qr-detected', { text }, true)) this.phase = 'idle';
    return text;
  }

  #fail(code: QrNotFoundDetail['code']): null {
    this.phase = code;
    this.#emit<QrNotFoundDetail>('qr-not-found', { code });
    return null;
  }

  #emit<T>(type: string, detail: T, cancelable = false): boolean {
    return this.dispatchEvent(
      new CustomEvent<T>(type, { detail, bubbles: true, composed: true, cancelable }),
    );
  }

  readonly #onPaste = (event: ClipboardEvent): void => {
    const file = [...(event.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
    // Text pastes (an otpauth:// URI into a field) are left alone.
    if (!file) return;
    event.preventDefault();
    void this.read(file);
  };

  #open(): void {
    this.input.value = '';
    this.input.click();
  }

  #onChange(): void {
    const file = this.input.files?.[0];
    if (file) void this.read(file);
  }

  #onDragOver(event: DragEvent): void {
    event.preventDefault(); // without this the browser opens the dropped file instead
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    this.dragging = true;
  }

  #onDrop(event: DragEvent): void {
    event.preventDefault();
    this.dragging = false;
    const file = event.dataTransfer?.files[0];
    if (file) void this.read(file);
  }

  protected override render() {
    const failed = this.phase === 'NO_QR_FOUND' || this.phase === 'NOT_AN_IMAGE';
    return html`
      <div
        class="zone ${this.dragging ? 'over' : ''}"
        part="drop-zone"
        aria-busy=${this.phase === 'reading' ? 'true' : 'false'}
        @click=${this.#open}
        @dragover=${this.#onDragOver}
        @dragleave=${() => {
          this.dragging = false;
        }}
        @drop=${this.#onDrop}
      >
        <span>Drop an image of the QR code here, paste one, or</span>
        <button type="button" part="button">Choose an image</button>
      </div>
      <input type="file" accept="image/*" aria-label="Choose an image" @change=${this.#onChange} />
      ${
        failed
          ? html`<p class="message" part="message" role="alert">${messages[this.phase]}</p>`
          : html`<p class="message" part="message" role="status">${messages[this.phase] || nothing}</p>`
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'qr-image-input': QrImageInput;
  }
  interface HTMLElementEventMap {
    'qr-not-found': CustomEvent<QrNotFoundDetail>;
  }
}
