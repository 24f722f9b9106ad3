import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { CameraController } from './camera-controller.ts';
import { createFrameDecoder, type FrameDecoder } from './frame-decoder.ts';
import { isRetryable, type ScanErrorDetail } from './scan-errors.ts';

/** Detail of the `qr-detected` event: the QR's text, uninterpreted. */
export interface QrDetectedDetail {
  text: string;
}

/**
 * `<qr-scanner>`: opens the rear camera when connected, shows the preview with a framing guide,
 * and reads QR codes from it off the main thread. The camera stops as soon as a code is read, on
 * Cancel, when the element is removed and while the page is hidden.
 *
 * @fires qr-detected - `CustomEvent<{ text }>`, bubbles and composed, cancelable; the camera is
 *   already off unless `continuous`. A host that refuses the text cancels it (no "QR code read")
 * @fires scan-error - `CustomEvent<{ code, message }>`, bubbles and composed; the message is shown too
 * @fires scan-cancel - the Cancel button was pressed; the camera is already off
 * @slot alternatives - shown under a camera failure; the host puts its other ways to add here
 * @csspart viewport - the box holding the preview and the guide
 * @csspart video - the live preview
 * @csspart guide - the framing square
 * @csspart status - the live status line
 * @csspart error - the failure message (role=alert)
 * @csspart button - the Cancel / Try again / Scan again / Torch / Switch camera buttons
 * @csspart torch - the Torch toggle (`aria-pressed`), only where the camera has a torch
 * @csspart switch-camera - the Switch camera button, only where the device has several cameras
 * @cssprop --qr-scanner-guide-color - colour of the framing guide (white)
 * @cssprop --qr-scanner-background - behind the preview (black)
 * @cssprop --qr-scanner-radius - corner radius of the viewport (12px)
 * @example <qr-scanner @qr-detected=${(e) => this.add(e.detail.text)}></qr-scanner>
 */
@customElement('qr-scanner')
export class QrScanner extends LitElement {
  // Colours come from the app's shared tokens (pwa/styles/tokens.ts) when the host defines them.
  static override styles = css`
    :host { display: block; }
    [hidden] { display: none !important; }
    .viewport {
      position: relative; overflow: hidden; aspect-ratio: 3 / 4; max-height: 70vh; margin: 0 auto;
      background: var(--qr-scanner-background, #000);
      border-radius: var(--qr-scanner-radius, var(--radius, 12px));
    }
    video { width: 100%; height: 100%; object-fit: cover; display: block; }
    .guide {
      position: absolute; inset: 0; margin: auto; width: 65%; aspect-ratio: 1; height: auto;
      border: 3px solid var(--qr-scanner-guide-color, #fff); border-radius: 8px;
      box-shadow: 0 0 0 100vmax rgb(0 0 0 / 0.4);
    }
    [part='status'] { text-align: center; color: var(--muted, inherit); }
    .actions { display: flex; gap: var(--gap, 12px); justify-content: center; margin-top: 0.75rem; }
    button {
      font: inherit; min-height: 44px; padding: 0 1.25rem; cursor: pointer; color: inherit;
      background: var(--surface, transparent); border: 1px solid var(--border, currentColor);
      border-radius: var(--radius, 12px);
    }
    button:focus-visible { outline: 3px solid var(--focus, currentColor); outline-offset: 2px; }
    .error p:first-child { color: var(--danger, #a4161a); font-weight: 600; }
    .error p { margin: 0.5rem 0; }
  `;

  /**
   * Keep the camera on after a read and report each new code (a code seen again in the next
   * frames is not reported twice in a row): for a Google Authenticator export shown part by part.
   * The host removes the element when it has what it needs.
   */
  @property({ type: Boolean }) continuous = false;
  @state() private detected = false;
  @query('video') private video!: HTMLVideoElement | null;

  readonly #camera = new CameraController(this, { onError: (error) => this.#emitError(error) });
  #decoder: Promise<FrameDecoder> | null = null;
  #frame = 0;
  /** The last text reported in continuous mode, so one code held still is reported once. */
  #lastText: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.detected = false;
    void this.#camera.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopLoop();
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const video = this.video;
    const stream = this.#camera.stream;
    if (video && video.srcObject !== stream) {
      video.srcObject = stream;
      if (stream) void video.play().catch(() => {});
    }
    if (stream && !this.#frame) this.#frame = requestAnimationFrame(this.#tick);
    if (!stream) this.#stopLoop();
  }

  readonly #tick = (): void => {
    this.#frame = 0;
    if (this.#camera.state !== 'live') return;
    this.#frame = requestAnimationFrame(this.#tick);
    void this.#decodeFrame();
  };

  async #decodeFrame(): Promise<void> {
    const stream = this.#camera.stream;
    const video = this.video;
    if (!stream || !video) return;
    let text: string | null = null;
    try {
      this.#decoder ??= createFrameDecoder();
      text = (await (await this.#decoder).offer(video)) ?? null;
    } catch {
      return; // a frame the detector choked on; the next one may read
    }
    // A late answer for a stream that was since stopped or replaced must not fire twice.
    if (text === null || this.#camera.stream !== stream) return;
    if (this.continuous) {
      if (text === this.#lastText) return;
      this.#lastText = text;
    } else {
      this.#camera.stop();
    }
    const accepted = this.dispatchEvent(
      new CustomEvent<QrDetectedDetail>('qr-detected', {
        detail: { text },
        bubbles: true,
        composed: true,
        cancelable: true,
      }),
    );
    this.detected = accepted;
  }

  #stopLoop(): void {
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
  }

  #emitError(detail: ScanErrorDetail): void {
    this.dispatchEvent(new CustomEvent('scan-error', { detail, bubbles: true, composed: true }));
  }

  #cancel(): void {
    this.#camera.stop();
    this.dispatchEvent(new CustomEvent('scan-cancel', { bubbles: true, composed: true }));
  }

  #restart(): void {
    this.detected = false;
    this.#lastText = null;
    void this.#camera.start();
  }

  protected override render() {
    const { state, error } = this.#camera;
    if (state === 'failed' && error) {
      return html`
        <div class="error" role="alert" part="error">
          <p>${error.message}</p>
          <slot name="alternatives">
            <p>You can still add the account from a picture of the QR code, by pasting its
              otpauth:// link, or by typing its secret key.</p>
          </slot>
        </div>
        ${isRetryable(error.code) ? this.#button('Try again', this.#restart) : nothing}
      `;
    }
    const active = state !== 'idle';
    return html`
      <div class="viewport" part="viewport" ?hidden=${!active}>
        <video part="video" aria-hidden="true" playsinline autoplay .muted=${true}></video>
        <div class="guide" part="guide" aria-hidden="true"></div>
      </div>
      <p role="status" part="status">${this.#statusText()}</p>
      <div class="actions">
        ${active ? this.#button('Cancel', this.#cancel) : this.#button('Scan again', this.#restart)}
        ${this.#cameraControls()}
      </div>
    `;
  }

  /** Torch and camera switch, rendered only where the live camera offers them. */
  #cameraControls() {
    if (this.#camera.state !== 'live') return nothing;
    const { features, torchOn } = this.#camera;
    return html`${
      features.torch
        ? html`<button type="button" part="button torch" aria-pressed=${torchOn ? 'true' : 'false'}
            @click=${() => void this.#camera.setTorch(!torchOn)}>Torch</button>`
        : nothing
    }${
      features.switchCamera
        ? html`<button type="button" part="button switch-camera"
            @click=${() => void this.#camera.switchCamera()}>Switch camera</button>`
        : nothing
    }`;
  }

  #button(label: string, action: () => void) {
    return html`<button type="button" part="button" @click=${action}>${label}</button>`;
  }

  #statusText(): string {
    switch (this.#camera.state) {
      case 'starting':
        return 'Starting the camera…';
      case 'live':
        return 'Point the camera at the QR code';
      case 'paused':
        return 'Camera paused while the app is in the background';
      default:
        return this.detected ? 'QR code read' : 'Camera off';
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'qr-scanner': QrScanner;
  }
  interface HTMLElementEventMap {
    'qr-detected': CustomEvent<QrDetectedDetail>;
    'scan-error': CustomEvent<ScanErrorDetail>;
    'scan-cancel': CustomEvent<undefined>;
  }
}
