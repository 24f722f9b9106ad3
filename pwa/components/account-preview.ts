import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { AddPlan, Candidate } from '../add/find-duplicates.ts';
import { tokens } from '../styles/tokens.ts';

/** An entry of an import that cannot be stored, and why (shown, never stored). */
export interface PreviewUnsupported {
  name: string;
  reason: string;
}

type Choice = 'replace' | 'keep-both';

/**
 * The step every way of adding and importing ends in: what will be stored ("N new, M already
 * present, K unsupported"), keys already in the vault marked "Already added" (and left out),
 * entries that cannot be used with the reason, and for an account re-enrolled with a new key the
 * choice "Replace the old key" or "Keep both" (no default: the user picks). Nothing is stored
 * until the user confirms, and then everything shown as new is stored in one go.
 *
 * @fires confirm-add - {@link AddPlan}: the accounts to add and the keys to replace
 * @fires cancel-add
 * @example html`<account-preview .candidates=${marked} @confirm-add=${store}></account-preview>`
 */
@customElement('account-preview')
export class AccountPreview extends LitElement {
  static override styles = [
    tokens,
    css`
      :host { display: block; }
      ul { list-style: none; padding: 0; margin: 0 0 16px; display: grid; gap: 8px; }
      li { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); padding: 10px 12px; }
      .name { font-weight: 700; overflow-wrap: anywhere; }
      h2:focus { outline: none; }
      .meta { color: var(--muted); font-size: 0.9rem; }
      .dup { color: var(--ok); font-weight: 600; }
      .why { color: var(--danger); }
      fieldset { border: 0; padding: 0; margin: 8px 0 0; display: flex; gap: 12px; flex-wrap: wrap; }
      legend { padding: 0; margin-bottom: 4px; }
      fieldset label { display: inline-flex; align-items: center; gap: 6px; min-height: 44px; }
      .summary { font-weight: 600; }
      .buttons { display: flex; gap: 8px; flex-wrap: wrap; }
    `,
  ];

  @property({ attribute: false }) candidates: Candidate[] = [];
  @property({ attribute: false }) unsupported: PreviewUnsupported[] = [];
  /** Where the accounts come from, e.g. "Aegis vault"; shown above the list. */
  @property() source = '';
  @state() private busy = false;
  @state() private choices = new Map<number, Choice>();

  private choose(index: number, choice: Choice): void {
    this.choices = new Map(this.choices).set(index, choice);
  }

  private plan(): AddPlan {
    const plan: AddPlan = { add: [], replace: [] };
    this.candidates.forEach((c, i) => {
      if (c.duplicateOf) return;
      if (c.conflictWith && this.choices.get(i) === 'replace') {
        plan.replace.push({ id: c.conflictWith, account: c.account });
      } else plan.add.push(c.account);
    });
    return plan;
  }

  private confirm(): void {
    this.busy = true;
    this.dispatchEvent(
      new CustomEvent<AddPlan>('confirm-add', {
        detail: this.plan(),
        bubbles: true,
        composed: true,
      }),
    );
  }

  /** Moves focus to the heading, once drawn (the step that showed the preview is gone). */
  async focusHeading(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  /** Re-enables the buttons after a failed store. */
  reset(): void {
    this.busy = false;
  }

  override render() {
    const fresh = this.candidates.filter((c) => !c.duplicateOf).length;
    const present = this.candidates.length - fresh;
    const undecided = this.candidates.some(
      (c, i) => c.conflictWith && !c.duplicateOf && !this.choices.has(i),
    );
    const summary = [
      `${fresh} new`,
      `${present} already present`,
      `${this.unsupported.length} unsupported`,
    ].join(', ');
    return html`<h2 id="preview-title" tabindex="-1">${fresh === 1 ? 'Add this account?' : fresh ? `Add ${fresh} accounts?` : 'Already added'}</h2>
      ${this.source ? html`<p>From ${this.source}.</p>` : nothing}
      ${
        this.source || this.candidates.length > 1 || this.unsupported.length
          ? html`<p class="summary" data-testid="import-summary">${summary}</p>`
          : nothing
      }
      <ul aria-labelledby="preview-title">
        ${this.candidates.map((c, i) => this.renderCandidate(c, i))}
      </ul>
      ${
        this.unsupported.length
          ? html`<h3 id="unsupported-title">Not imported</h3>
            <ul aria-labelledby="unsupported-title" class="unsupported">
              ${this.unsupported.map((u) => html`<li><div class="name">${u.name}</div><div class="why">${u.reason}</div></li>`)}
            </ul>`
          : nothing
      }
      <div class="buttons">
        ${
          fresh
            ? html`<button class="primary" ?disabled=${this.busy || undecided} @click=${this.confirm}>
              ${fresh === 1 ? 'Add account' : `Add ${fresh} accounts`}</button>`
            : nothing
        }
        <button ?disabled=${this.busy} @click=${() => this.dispatchEvent(new Event('cancel-add', { bubbles: true, composed: true }))}>
          ${fresh ? 'Cancel' : 'Back'}</button>
      </div>
      ${undecided ? html`<p role="status">Choose what to do with each account that is already here with another key.</p>` : nothing}`;
  }

  private renderCandidate({ account: a, duplicateOf, conflictWith }: Candidate, i: number) {
    const kind =
      a.type === 'totp'
        ? `time-based, every ${a.period} s`
        : `counter-based, counter ${a.counter ?? 0}`;
    const name = `${a.issuer ? `${a.issuer} — ` : ''}${a.label}`;
    return html`<li>
      <div class="name">${name}</div>
      <div class="meta">${kind} · ${a.digits} digits · ${a.algorithm}</div>
      ${duplicateOf ? html`<div class="dup">Already added</div>` : nothing}
      ${
        conflictWith && !duplicateOf
          ? html`<fieldset>
            <legend>An account with this name is already here with another key (the service was set up again?).</legend>
            <label><input type="radio" name="choice-${i}" .checked=${this.choices.get(i) === 'replace'}
              @change=${() => this.choose(i, 'replace')} />Replace the old key</label>
            <label><input type="radio" name="choice-${i}" .checked=${this.choices.get(i) === 'keep-both'}
              @change=${() => this.choose(i, 'keep-both')} />Keep both</label>
          </fieldset>`
          : nothing
      }
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'account-preview': AccountPreview;
  }
}
