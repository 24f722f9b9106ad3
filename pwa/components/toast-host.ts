import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { tokens } from '../styles/tokens.ts';
import { TOAST_EVENT, TOAST_HOLD_EVENT, type ToastRequest } from './toast.ts';

/** How long a toast stays, long enough to reach its Undo. */
const SHOW_MS = 6000;

/**
 * Shows the toasts requested with `showToast`, one at a time, in a polite live region.
 *
 * @example html`<toast-host></toast-host>`
 */
@customElement('toast-host')
export class ToastHost extends LitElement {
  static override styles = [
    tokens,
    css`
      :host { position: fixed; left: 0; right: 0; bottom: 16px; display: flex; justify-content: center;
        pointer-events: none; z-index: 10; }
      .toast { pointer-events: auto; display: flex; flex-wrap: wrap; align-items: center; gap: 12px; max-width: min(92vw, 480px);
        background: var(--fg); color: var(--bg); border-radius: 12px; padding: 8px 8px 8px 16px;
        box-shadow: 0 4px 16px rgb(0 0 0 / 0.3); }
      .toast button { background: transparent; color: var(--bg); border-color: var(--bg); }
    `,
  ];

  @state() private current: ToastRequest | null = null;
  /** Toasts waiting: background news while another toast is up, anything while a dialog is open. */
  private waiting: ToastRequest[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** A modal dialog is open: nothing shows until it closes (see holdToasts). */
  private held = false;

  private readonly onToast = (event: Event): void => {
    const request = (event as CustomEvent<ToastRequest>).detail;
    // Background news never takes the place of a toast on screen (an Undo, or the "Code copied"
    // the person is looking for): it waits its turn.
    if (this.held || (this.current && request.background)) {
      this.waiting.push(request);
      return;
    }
    this.show(request);
  };

  private readonly onHold = (event: Event): void => {
    this.held = (event as CustomEvent<boolean>).detail;
    if (this.held) this.show(null);
    else if (!this.current) this.show(this.waiting.shift() ?? null);
  };

  private show(request: ToastRequest | null): void {
    this.current = request;
    clearTimeout(this.timer);
    if (request)
      this.timer = setTimeout(
        () => this.show(this.held ? null : (this.waiting.shift() ?? null)),
        SHOW_MS,
      );
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener(TOAST_EVENT, this.onToast);
    window.addEventListener(TOAST_HOLD_EVENT, this.onHold);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener(TOAST_EVENT, this.onToast);
    window.removeEventListener(TOAST_HOLD_EVENT, this.onHold);
    clearTimeout(this.timer);
  }

  private async act(): Promise<void> {
    const action = this.current?.action;
    this.show(this.waiting.shift() ?? null);
    await action?.run();
  }

  protected override updated(): void {
    // The shell keeps this much room below the content, so a toast never covers the last card.
    const height = this.renderRoot.querySelector('.toast')?.getBoundingClientRect().height ?? 0;
    document.documentElement.style.setProperty('--toast-height', `${Math.ceil(height)}px`);
  }

  override render() {
    // The live region stays in the DOM so screen readers notice new content.
    return html`<div role="status" aria-live="polite">
      ${
        this.current
          ? html`<div class="toast"><span>${this.current.message}</span>
            ${this.current.action ? html`<button @click=${this.act}>${this.current.action.label}</button>` : nothing}</div>`
          : nothing
      }
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'toast-host': ToastHost;
  }
}
