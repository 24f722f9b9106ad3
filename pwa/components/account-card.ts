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
  /** The control that had focus, to focus again once the card is re-inserted. */
  focus: FocusTarget;
}

/** Controls of a card that can take focus back after a move. */
export type FocusTarget = 'up' | 'down' | 'code' | 'details';

/**
 * One account on the codes list, one compact row: its names, its code (tap to copy), the seconds
 * left as a number and a bar, the next code in the last seconds, HOTP's "next code" button and a
 * link to its details. In edit mode ↑/↓ buttons take the code's place; Alt+↑/↓ moves it in
 * either mode. Driven by the shared clock; while off screen it computes nothing.
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
      :host { display: block; height: 100%; content-visibility: auto; contain-intrinsic-size: auto 72px; }
      /* Compact, like a native authenticator's row: names on one line, the code with the seconds
         left beside it, the details link at the end; seven rows fit a 360×740 phone.
         Fixed-size, contained boxes hold everything that changes with the clock (code, seconds,
         next code, countdown): an update re-lays out those boxes, never the list. The article
         fills the list's fixed-height row whatever the account type, so rows never differ. */
      article { box-sizing: border-box; height: 100%; position: relative; overflow: hidden; background: var(--surface);
        border: 1px solid var(--border); border-radius: var(--radius); padding: 4px 4px 8px 12px;
        display: grid; grid-template-columns: minmax(0, 1fr) auto auto; grid-template-rows: auto 1fr;
        column-gap: 8px; align-items: center; container-type: inline-size; }
      .names { grid-area: 1 / 1 / 2 / 3; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
        line-height: 1.2; padding-top: 2px; }
      .issuer { font-weight: 700; }
      .label { color: var(--muted); margin-left: 0.4em; }
      .issuer + .label::before { content: '· '; }
      .main { grid-area: 2 / 1 / 3 / 3; min-width: 0; container-type: inline-size; display: flex; align-items: center; gap: 10px; }
      /* As wide as the code (digits and the space between groups) plus a little room. */
      .code { --chars: 10; display: block; position: relative; border: none; background: none; padding: 0 4px; margin: 0 0 0 -4px;
        font: 600 2rem/1.2 ui-monospace, 'SF Mono', Menlo, Consolas, monospace; letter-spacing: 0.04em; color: var(--accent);
        contain: strict; width: calc(var(--chars) * 1ch); height: 1.2em; min-height: 0; text-align: left; flex: none; }
      .code.d6 { --chars: 8; }
      .code.d7 { --chars: 9; }
      /* With large text the 2rem code would be wider than its cell: shrink it to the cell's width
         less the seconds box. */
      .code { font-size: min(2rem, (100cqi - 8px - 2.6rem) / (var(--chars) * 0.61)); max-width: 100%; }
      /* A TOTP code has two slots on top of each other, one for even and one for odd time steps;
         a compositor animation shows the slot of the current step (see live-code.ts). */
      /* Centred in the button's box, where a button puts its own text. */
      .slot { position: absolute; inset: 0 4px; display: flex; align-items: center; }
      /* The seconds left: a column of every number, moved one line a second by the compositor. */
      .secs { flex: none; contain: strict; overflow: hidden; width: 3ch; height: 1.2em;
        font: 600 1rem/1.2 ui-monospace, Menlo, monospace; color: var(--muted); text-align: right; }
      .strip { display: block; white-space: pre; }
      .bar { position: absolute; left: 0; right: 0; bottom: 0; height: 5px; background: var(--border); contain: strict; }
      /* The countdown drains on the compositor; its calm colour covers the ending one and fades out
         (also on the compositor) when the next code appears. */
      .fill, .calm { display: block; height: 100%; }
      .fill { position: relative; background: var(--danger); transform-origin: left center; }
      .calm { position: absolute; inset: 0; background: var(--accent); }
      /* The next code, in the last seconds, over the end of the names line. */
      .next { position: absolute; top: 4px; right: 56px; margin: 0; height: 1.2em; line-height: 1.2; width: 9.5em;
        contain: strict; color: var(--muted); background: var(--surface); text-align: right;
        font-family: ui-monospace, Menlo, monospace; }
      .actions { grid-area: 1 / 3 / 3 / 4; display: flex; gap: 6px; align-items: center; }
      .actions a { display: inline-flex; align-items: center; justify-content: center; min-width: 44px; min-height: 44px;
        color: var(--fg); border-radius: 10px; text-decoration: none; font-size: 1.25rem; }
      .reorder { display: flex; gap: 6px; }
      /* Large text on a narrow phone: the details link moves up beside the names, so the code has
         the whole width of its line. */
      @container (max-width: 16em) {
        .actions { grid-area: 1 / 3 / 2 / 4; }
        .main { grid-column: 1 / 4; }
      }
      .hotp { grid-area: 2 / 2 / 3 / 3; }
      .main:has(+ .hotp) { grid-column: 1 / 2; }
    `,
  ];

  @property({ attribute: false }) entry!: VaultEntry;
  /** Compute the code before the first visibility report (the first screenful). */
  @property({ type: Boolean }) eager = false;
  @property({ type: Boolean }) first = false;
  @property({ type: Boolean }) last = false;
  /** Edit mode: ↑/↓ buttons in place of the code. */
  @property({ type: Boolean }) editing = false;
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
  focusControl(which: FocusTarget): void {
    const root = this.renderRoot;
    (
      root.querySelector<HTMLElement>(`[data-focus="${which}"]`) ??
      root.querySelector<HTMLElement>('[data-focus="details"]')
    )?.focus();
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
    const focused = (this.renderRoot as ShadowRoot).activeElement as HTMLElement | null;
    const focus = (focused?.dataset.focus ?? 'code') as FocusTarget;
    this.move(event.key === 'ArrowUp' ? -1 : 1, focus);
  };

  private move(delta: number, focus: FocusTarget): void {
    const detail: MoveRequest = { id: this.entry.id, delta, focus };
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
    const name = this.displayName;
    return html`<article aria-label=${name}>
      <div class="names">
        ${showIssuer ? html`<span class="issuer">${account.issuer}</span>` : nothing}<span
          class=${showIssuer ? 'label' : 'issuer'}>${account.label}</span>
      </div>
      ${this.editing ? this.renderReorder(name) : this.renderMain()}
      <div class="actions">
        <a data-focus="details" href="#/account/${encodeURIComponent(id)}" aria-label="Details of ${name}"
          title="Details">⋯</a>
      </div>
    </article>`;
  }

  /** The code and what goes with it; off screen, a placeholder of the same size. */
  private renderMain() {
    const { account } = this.entry;
    if (!this.visible) {
      return html`<div class="main"><span class="code" aria-hidden="true">••• •••</span></div>`;
    }
    try {
      // An account whose secret cannot make codes fails here, once, not at every tick.
      this.codeAt(this.currentStep());
    } catch {
      return html`<div class="main"><p class="error code-error">This account cannot make codes; edit or delete it.</p></div>`;
    }
    const codeClass = `code d${account.digits}`;
    if (account.type === 'hotp') {
      return html`<div class="main"><button class=${codeClass} data-focus="code" @click=${this.onCopy}><span class="slot"
        aria-hidden="true"></span></button></div>${this.renderNextButton()}`;
    }
    // The code is announced through the button's label (LiveCode), so its slots, the seconds,
    // the next-code line and the bar are hidden from assistive technology.
    return html`<div class="main"><button class=${codeClass} data-focus="code" @click=${this.onCopy}><span class="slot"
        aria-hidden="true"></span><span class="slot" aria-hidden="true"></span></button><span class="secs"
        aria-hidden="true"><span class="strip">${secondsColumn(account.period)}</span></span></div>
      <p class="next" aria-hidden="true"></p>
      <div class="bar" aria-hidden="true"><span class="fill"><span class="calm"></span></span></div>`;
  }

  private renderReorder(name: string) {
    return html`<div class="main reorder">
      <button data-focus="up" ?disabled=${this.first} aria-label="Move ${name} up" title="Move up (Alt+↑)"
        @click=${() => this.move(-1, 'up')}>↑</button>
      <button data-focus="down" ?disabled=${this.last} aria-label="Move ${name} down" title="Move down (Alt+↓)"
        @click=${() => this.move(1, 'down')}>↓</button>
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
}

/** "30\n29\n…\n1": the seconds a period shows, one a line, top to bottom. */
function secondsColumn(period: number): string {
  return Array.from({ length: period }, (_, i) => String(period - i)).join('\n');
}

declare global {
  interface HTMLElementTagNameMap {
    'account-card': AccountCard;
  }
}
