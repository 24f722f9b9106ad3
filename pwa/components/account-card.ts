import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { generateCode } from '../../sdk/otp/index.ts';
import { ClockController } from '../clock/clock-controller.ts';
import { secondsLeft, stepAt } from '../clock/period-math.ts';
import { groupCode, spokenCode } from '../format/group-code.ts';
import { tokens } from '../styles/tokens.ts';
import type { VaultEntry } from '../vault/vault.ts';
import { showToast } from './toast.ts';
import { observeVisibility, unobserveVisibility } from './visibility.ts';

/** User-timing mark set when the first code is rendered (read by bench/pwa.bench.ts, RUM). */
export const FIRST_CODE_MARK = 'mfa:first-code';
let firstCodeMarked = false;

/** Seconds before the boundary from which the next code is shown too. */
export const NEXT_CODE_WINDOW = 5;

/** Detail of the `move-account` event. */
export interface MoveRequest {
  id: string;
  delta: number;
}

/**
 * One account on the codes list: its code (tap to copy), a countdown, the next code in the last
 * seconds, HOTP's "next code" button and reorder controls (buttons, or Alt+↑/↓ anywhere on it).
 * Driven by the shared clock; while off screen it computes nothing.
 *
 * @fires move-account - MoveRequest
 * @fires advance-counter - { id }
 * @example html`<account-card .entry=${entry} eager></account-card>`
 */
@customElement('account-card')
export class AccountCard extends LitElement {
  static override styles = [
    tokens,
    css`
      :host { display: block; content-visibility: auto; contain-intrinsic-size: auto 190px; }
      /* Block layout with fixed-size, contained boxes for everything that changes each second
         (code, countdown, next code): an update re-lays out those boxes, never the list. */
      article { position: relative; background: var(--surface); border: 1px solid var(--border);
        border-radius: var(--radius); padding: 12px 72px 12px 14px; }
      .names { min-width: 0; min-height: 2.4em; }
      .issuer { font-weight: 700; display: block; }
      .label { color: var(--muted); display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .code { display: block; border: none; background: none; padding: 0 4px; margin: 4px 0 0 -4px;
        font: 600 2rem/1.2 ui-monospace, 'SF Mono', Menlo, Consolas, monospace; letter-spacing: 0.04em; color: var(--accent);
        contain: strict; width: 10.5ch; height: 1.3em; text-align: left; }
      .side { position: absolute; top: 12px; right: 12px; width: 48px; height: 56px; contain: strict; text-align: center; }
      .ring { display: block; margin: 0 auto; width: 36px; height: 36px; transform: rotate(-90deg); }
      .ring circle { fill: none; stroke-width: 4; }
      .ring .track { stroke: var(--border); }
      .ring .left { stroke: var(--accent); }
      .ring.ending .left { stroke: var(--danger); }
      .secs { display: block; font-size: 0.8rem; color: var(--muted); }
      .next { display: block; margin: 4px 0 0; height: 1.4em; contain: strict; color: var(--muted);
        font-family: ui-monospace, Menlo, monospace; }
      .hotp { margin: 4px 0 0; }
      .actions { display: flex; gap: 6px; justify-content: flex-end; margin: 4px -58px 0 0; }
      .actions a { display: inline-flex; align-items: center; justify-content: center; min-width: 44px; min-height: 44px;
        color: var(--fg); border-radius: 10px; border: 1px solid var(--border); text-decoration: none; }
    `,
  ];

  @property({ attribute: false }) entry!: VaultEntry;
  /** Compute the code before the first visibility report (the first screenful). */
  @property({ type: Boolean }) eager = false;
  @property({ type: Boolean }) first = false;
  @property({ type: Boolean }) last = false;
  @state() private visible = false;

  private readonly clock = new ClockController(this, (now) => this.clockKey(now));
  private memo: { account: unknown; step: number; code: string; next: string } | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.visible =
      this.eager ||
      !observeVisibility(this, (visible) => {
        this.visible = visible;
        this.clock.refresh();
      });
    this.addEventListener('keydown', this.onKeyDown);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    unobserveVisibility(this);
    this.removeEventListener('keydown', this.onKeyDown);
  }

  /** Focuses the given control, e.g. after a keyboard move re-inserted the card. */
  focusControl(which: 'up' | 'down' | 'code'): void {
    this.renderRoot.querySelector<HTMLElement>(`[data-focus="${which}"]`)?.focus();
  }

  private clockKey(now: number): unknown {
    if (!this.entry || this.entry.account.type === 'hotp') return 'hotp';
    return this.visible ? Math.floor(now / 1000) : 'hidden';
  }

  private codes(now: number): { code: string; next: string } {
    const { account } = this.entry;
    const step = account.type === 'hotp' ? (account.counter ?? 0) : stepAt(now, account.period);
    if (this.memo?.account !== account || this.memo.step !== step) {
      const at = account.type === 'hotp' ? now : step * account.period * 1000;
      const code = generateCode(account, at);
      const next = account.type === 'hotp' ? '' : generateCode(account, at + account.period * 1000);
      this.memo = { account, step, code, next };
    }
    return this.memo;
  }

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    event.preventDefault();
    this.move(event.key === 'ArrowUp' ? -1 : 1);
  };

  private move(delta: number): void {
    const detail: MoveRequest = { id: this.entry.id, delta };
    this.dispatchEvent(new CustomEvent('move-account', { detail, bubbles: true, composed: true }));
  }

  private async copy(code: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(code);
      showToast({ message: 'Code copied' });
    } catch {
      showToast({ message: 'Could not copy: select the code and copy it by hand' });
    }
  }

  private get displayName(): string {
    const { issuer, label } = this.entry.account;
    return issuer && issuer !== label ? `${issuer} (${label})` : label;
  }

  override render() {
    const { account, id } = this.entry;
    const showIssuer = account.issuer && account.issuer !== account.label;
    return html`<article aria-label=${this.displayName}>
      <div class="names">
        ${showIssuer ? html`<span class="issuer">${account.issuer}</span>` : nothing}
        <span class=${showIssuer ? 'label' : 'issuer'}>${account.label}</span>
      </div>
      ${this.visible ? this.renderCode() : html`<span class="code" aria-hidden="true">••• •••</span><p class="next" aria-hidden="true"></p>`}
      <div class="actions">
        <button data-focus="up" ?disabled=${this.first} aria-label="Move ${this.displayName} up" title="Move up (Alt+↑)"
          @click=${() => this.move(-1)}>↑</button>
        <button data-focus="down" ?disabled=${this.last} aria-label="Move ${this.displayName} down" title="Move down (Alt+↓)"
          @click=${() => this.move(1)}>↓</button>
        <a href="#/account/${encodeURIComponent(id)}" aria-label="Details of ${this.displayName}" title="Details">⋯</a>
      </div>`;
  }

  private renderCode() {
    const now = this.clock.now;
    let codes: { code: string; next: string };
    try {
      codes = this.codes(now);
    } catch {
      return html`<p class="error code-error">This account cannot make codes; edit or delete it.</p>`;
    }
    const { account } = this.entry;
    if (!firstCodeMarked) {
      firstCodeMarked = true;
      performance.mark(FIRST_CODE_MARK);
    }
    const codeButton = html`<button class="code" data-focus="code" data-code=${codes.code}
      aria-label="Code for ${this.displayName}: ${spokenCode(codes.code)}. Activate to copy."
      @click=${() => this.copy(codes.code)}><span aria-hidden="true">${groupCode(codes.code)}</span></button>`;
    if (account.type === 'hotp') {
      return html`${codeButton}
        <div class="hotp"><button aria-label="Next code for ${this.displayName}" @click=${() =>
          this.dispatchEvent(
            new CustomEvent('advance-counter', {
              detail: { id: this.entry.id },
              bubbles: true,
              composed: true,
            }),
          )}>
          Next code</button></div>`;
    }
    const left = secondsLeft(now, account.period);
    const c = 2 * Math.PI * 15;
    const ending = left <= NEXT_CODE_WINDOW;
    return html`${codeButton}
      <div class="side" aria-hidden="true">
        <svg class="ring ${ending ? 'ending' : ''}" viewBox="0 0 36 36">
          <circle class="track" cx="18" cy="18" r="15"></circle>
          <circle class="left" cx="18" cy="18" r="15" stroke-dasharray=${c}
            stroke-dashoffset=${c * (1 - left / account.period)}></circle>
        </svg>
        <span class="secs">${left} s</span>
      </div>
      ${
        ending
          ? html`<p class="next" data-next=${codes.next}>
            <span aria-hidden="true">Next: ${groupCode(codes.next)}</span>
            <span class="visually-hidden">Next code: ${spokenCode(codes.next)}</span>
          </p>`
          : // An empty row keeps the card's height, so the list does not reflow at each boundary.
            html`<p class="next" aria-hidden="true"></p>`
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'account-card': AccountCard;
  }
}
