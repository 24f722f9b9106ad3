import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { generateCode } from '../../sdk/otp/index.ts';
import { ClockController } from '../clock/clock-controller.ts';
import { stepAt } from '../clock/period-math.ts';
import { tokens } from '../styles/tokens.ts';
import type { VaultEntry } from '../vault/vault.ts';
import { LiveCode, livePhase } from './live-code.ts';
import { showToast } from './toast.ts';
import { observeVisibility, unobserveVisibility } from './visibility.ts';

/** User-timing mark set when the first code is rendered (read by bench/pwa.bench.ts, RUM). */
export const FIRST_CODE_MARK = 'mfa:first-code';
let firstCodeMarked = false;

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
      :host { display: block; height: 100%; content-visibility: auto; contain-intrinsic-size: auto 190px; }
      /* Block layout with fixed-size, contained boxes for everything that changes with the clock
         (code, countdown, next code): an update re-lays out those boxes, never the list. */
      /* Fills the list's fixed-height row whatever the account type, so rows never differ. */
      article { container-type: inline-size; box-sizing: border-box; height: 100%; position: relative; overflow: hidden; background: var(--surface); border: 1px solid var(--border);
        border-radius: var(--radius); padding: 12px 14px 16px; }
      .names { min-width: 0; min-height: 2.4em; }
      .issuer { font-weight: 700; }
      .issuer, .label { display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .label { color: var(--muted); }
      .code { display: block; position: relative; border: none; background: none; padding: 0 4px; margin: 4px 0 0 -4px;
        font: 600 2rem/1.2 ui-monospace, 'SF Mono', Menlo, Consolas, monospace; letter-spacing: 0.04em; color: var(--accent);
        contain: strict; width: 10.5ch; height: 1.3em; text-align: left; }
      /* With large text the 2rem code would be wider than the card: shrink it to the card's width
         (10.5ch of a monospace font is about 6.3em, plus the button's padding). */
      .code { font-size: min(2rem, (100cqi - 8px) / 6.4); max-width: 100%; }
      /* A TOTP code has two slots on top of each other, one for even and one for odd time steps;
         a compositor animation shows the slot of the current step (see live-code.ts). */
      /* Centred in the button's box, where a button puts its own text. */
      .slot { position: absolute; inset: 0 4px; display: flex; align-items: center; }
      .bar { position: absolute; left: 0; right: 0; bottom: 0; height: 5px; background: var(--border); contain: strict; }
      /* The countdown drains on the compositor; its calm colour covers the ending one and fades out
         (also on the compositor) when the next code appears. */
      .fill, .calm { display: block; height: 100%; }
      .fill { position: relative; background: var(--danger); transform-origin: left center; }
      .calm { position: absolute; inset: 0; background: var(--accent); }
      .next { display: block; margin: 4px 0 0; height: 1.4em; contain: strict; color: var(--muted);
        font-family: ui-monospace, Menlo, monospace; }
      .actions .hotp { margin-right: auto; }
      .actions { display: flex; gap: 6px; justify-content: flex-end; margin-top: 4px; }
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

  // A clock change writes the code's nodes directly (LiveCode.show), not through a Lit update.
  private readonly clock = new ClockController(
    this,
    (now) => this.clockKey(now),
    (now) => this.live?.show(now, this.displayName),
  );
  /** Codes by step (or counter) for the current account object. */
  private memo: { account: unknown; codes: Map<number, string> } | null = null;
  /** The code's nodes in the current template, written on clock changes (null: none shown). */
  private live: LiveCode | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    // Eager cards draw before the first report; after it, every card follows what is rendered.
    const observed = observeVisibility(this, (visible) => {
      if (visible === this.visible) return;
      this.visible = visible;
      this.clock.refresh();
    });
    this.visible = this.eager || !observed;
    this.addEventListener('keydown', this.onKeyDown);
    // Back in the DOM (a reorder moved it): start the animations stopped below.
    if (this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    unobserveVisibility(this);
    this.removeEventListener('keydown', this.onKeyDown);
    // Chrome keeps ticking a detached element's animations on the main thread, every frame.
    this.live?.stop();
    this.live = null;
  }

  /** Focuses the given control, e.g. after a keyboard move re-inserted the card. */
  focusControl(which: 'up' | 'down' | 'code'): void {
    this.renderRoot.querySelector<HTMLElement>(`[data-focus="${which}"]`)?.focus();
  }

  private clockKey(now: number): unknown {
    const account = this.entry?.account;
    if (!account || account.type === 'hotp') return 'hotp';
    if (!this.visible) return 'hidden';
    // Changes at the boundary, when the next code is written (hidden) and when it is shown;
    // the compositor draws the rest. A clock shift re-times the animations.
    return `${this.clock.shifts}:${stepAt(now, account.period)}:${livePhase(now, account.period)}`;
  }

  /** The step whose code shows now: the TOTP time step, or the HOTP counter. */
  private currentStep(): number {
    const { account } = this.entry;
    return account.type === 'hotp'
      ? (account.counter ?? 0)
      : stepAt(this.clock.now, account.period);
  }

  /** The code of `step` (a TOTP time step, or the HOTP counter), computed once per step. */
  private codeAt(step: number): string {
    const { account } = this.entry;
    if (this.memo?.account !== account) this.memo = { account, codes: new Map() };
    let code = this.memo.codes.get(step);
    if (code === undefined) {
      code = generateCode(
        account.type === 'hotp' ? { ...account, counter: step } : account,
        step * account.period * 1000,
      );
      // At a boundary the new code is the "next" code already written: keep a few steps.
      if (this.memo.codes.size > 3) this.memo.codes.clear();
      this.memo.codes.set(step, code);
    }
    return code;
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

  private readonly onCopy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(this.codeAt(this.currentStep()));
      showToast({ message: 'Code copied' });
    } catch {
      showToast({ message: 'Could not copy: select the code and copy it by hand' });
    }
  };

  private get displayName(): string {
    const { issuer, label } = this.entry.account;
    return issuer && issuer !== label ? `${issuer} (${label})` : label;
  }

  protected override updated(): void {
    // Lit renders the code's elements empty; their text and changing attributes are LiveCode's.
    const button = this.renderRoot.querySelector<HTMLButtonElement>('button.code');
    if (this.live?.button !== button || this.live.account !== this.entry.account) {
      this.live?.stop();
      this.live = button
        ? new LiveCode(button, this.entry.account, (step) => this.codeAt(step), this.clock)
        : null;
    }
    if (this.live && !firstCodeMarked) {
      firstCodeMarked = true;
      performance.mark(FIRST_CODE_MARK);
    }
    this.live?.show(this.clock.now, this.displayName);
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
        ${this.visible && account.type === 'hotp' ? this.renderNextButton() : nothing}
        <button data-focus="up" ?disabled=${this.first} aria-label="Move ${this.displayName} up" title="Move up (Alt+↑)"
          @click=${() => this.move(-1)}>↑</button>
        <button data-focus="down" ?disabled=${this.last} aria-label="Move ${this.displayName} down" title="Move down (Alt+↓)"
          @click=${() => this.move(1)}>↓</button>
        <a href="#/account/${encodeURIComponent(id)}" aria-label="Details of ${this.displayName}" title="Details">⋯</a>
      </div>`;
  }

  private renderNextButton() {
    return html`<button class="hotp" aria-label="Next code for ${this.displayName}" @click=${() =>
      this.dispatchEvent(
        new CustomEvent('advance-counter', {
          detail: { id: this.entry.id },
          bubbles: true,
          composed: true,
        }),
      )}>Next code</button>`;
  }

  private renderCode() {
    const { account } = this.entry;
    try {
      // An account whose secret cannot make codes fails here, once, not at every tick.
      this.codeAt(this.currentStep());
    } catch {
      return html`<p class="error code-error">This account cannot make codes; edit or delete it.</p>`;
    }
    // HOTP's "next code" button sits in the actions row, so every card has the same height.
    if (account.type === 'hotp') {
      return html`<button class="code" data-focus="code" @click=${this.onCopy}><span class="slot" aria-hidden="true"></span></button>
        <p class="next" aria-hidden="true"></p>`;
    }
    // The code is announced through the button's label (LiveCode), so its slots, the next-code
    // line and the bar are hidden from assistive technology.
    return html`<button class="code" data-focus="code" @click=${this.onCopy}><span class="slot" aria-hidden="true"></span><span
        class="slot" aria-hidden="true"></span></button>
      <p class="next" aria-hidden="true"></p>
      <div class="bar" aria-hidden="true"><span class="fill"><span class="calm"></span></span></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'account-card': AccountCard;
  }
}
