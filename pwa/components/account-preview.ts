import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Candidate } from '../add/find-duplicates.ts';
import { tokens } from '../styles/tokens.ts';

/**
 * The step every way of adding ends in: what will be stored, with keys already in the vault
 * marked "Already added" (and left out). Nothing is stored until the user confirms.
 *
 * @fires confirm-add - the accounts to store (duplicates left out)
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
      .name { font-weight: 700; }
      .meta { color: var(--muted); font-size: 0.9rem; }
      .dup { color: var(--ok); font-weight: 600; }
      .buttons { display: flex; gap: 8px; flex-wrap: wrap; }
    `,
  ];

  @property({ attribute: false }) candidates: Candidate[] = [];
  @state() private busy = false;

  private confirm(): void {
    this.busy = true;
    const accounts = this.candidates.filter((c) => !c.duplicateOf).map((c) => c.account);
    this.dispatchEvent(
      new CustomEvent('confirm-add', { detail: accounts, bubbles: true, composed: true }),
    );
  }

  /** Re-enables the buttons after a failed store. */
  reset(): void {
    this.busy = false;
  }

  override render() {
    const fresh = this.candidates.filter((c) => !c.duplicateOf).length;
    return html`<h2 id="preview-title">${fresh === 1 ? 'Add this account?' : fresh ? `Add ${fresh} accounts?` : 'Already added'}</h2>
      <ul aria-labelledby="preview-title">
        ${this.candidates.map(({ account: a, duplicateOf }) => {
          const kind =
            a.type === 'totp'
              ? `time-based, every ${a.period} s`
              : `counter-based, counter ${a.counter ?? 0}`;
          return html`<li>
            <div class="name">${a.issuer ? `${a.issuer} — ` : ''}${a.label}</div>
            <div class="meta">${kind} · ${a.digits} digits · ${a.algorithm}</div>
            ${duplicateOf ? html`<div class="dup">Already added</div>` : nothing}
          </li>`;
        })}
      </ul>
      <div class="buttons">
        ${
          fresh
            ? html`<button class="primary" ?disabled=${this.busy} @click=${this.confirm}>
              ${fresh === 1 ? 'Add account' : `Add ${fresh} accounts`}</button>`
            : nothing
        }
        <button ?disabled=${this.busy} @click=${() => this.dispatchEvent(new Event('cancel-add', { bubbles: true, composed: true }))}>
          ${fresh ? 'Cancel' : 'Back'}</button>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'account-preview': AccountPreview;
  }
}
