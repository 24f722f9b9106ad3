import { css, html, LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { ManualFields } from '../add/read-key-text.ts';
import { tokens } from '../styles/tokens.ts';

/**
 * Manual entry of a key: issuer, account and the secret as a service shows it under "Show secret key
 * for manual configuration" (spaces, dashes and lower case are fine), plus an "Advanced" section
 * for type, algorithm, digits, period and counter. Checks nothing itself: the add screen does,
 * with sdk/otp.
 *
 * @fires manual-submit - ManualFields
 * @example html`<manual-entry-form @manual-submit=${onSubmit}></manual-entry-form>`
 */
@customElement('manual-entry-form')
export class ManualEntryForm extends LitElement {
  static override styles = [
    tokens,
    css`
      :host { display: block; }
      form { display: grid; gap: 14px; }
      details { border: 1px solid var(--border); border-radius: var(--radius); padding: 8px 12px; }
      /* display: flex drops the browser's triangle: draw a chevron that turns when open, so the
         row reads as something that expands. */
      summary { cursor: pointer; min-height: 44px; display: flex; flex-wrap: wrap; align-items: center; column-gap: 8px; font-weight: 600; list-style: none; }
      summary::-webkit-details-marker { display: none; }
      .chevron { display: inline-block; width: 0.5em; height: 0.5em; border: solid currentColor; border-width: 0 2px 2px 0;
        transform: rotate(-45deg); transition: transform 0.15s; flex: none; margin: 0 4px; }
      details[open] .chevron { transform: rotate(45deg); }
      .more { color: var(--muted); font-weight: 400; font-size: 0.9rem; }
      .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 12px; margin-top: 8px; }
      .hint { color: var(--muted); font-size: 0.9rem; margin: 4px 0 0; }
    `,
  ];

  @state() private type: 'totp' | 'hotp' = 'totp';

  private submit(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const text = (name: string): string => String(data.get(name) ?? '');
    const fields: ManualFields = {
      issuer: text('issuer'),
      label: text('label'),
      secret: text('secret'),
      type: this.type,
      algorithm: text('algorithm') as ManualFields['algorithm'],
      digits: Number(text('digits')),
      period: Number(text('period')),
      counter: Number(text('counter') || '0'),
    };
    this.dispatchEvent(
      new CustomEvent('manual-submit', { detail: fields, bubbles: true, composed: true }),
    );
  }

  override render() {
    return html`<form @submit=${this.submit} novalidate>
      <div>
        <label for="issuer">Service (issuer)</label>
        <input id="issuer" name="issuer" autocomplete="off" placeholder="e.g. your company" />
      </div>
      <div>
        <label for="label">Account name</label>
        <input id="label" name="label" autocomplete="off" placeholder="e.g. ann@example.com" />
      </div>
      <div>
        <label for="secret">Secret key</label>
        <input id="secret" name="secret" required autocomplete="off" autocapitalize="characters" spellcheck="false"
          aria-describedby="secret-hint" />
        <p id="secret-hint" class="hint">Type it as shown; spaces, dashes and lower case are fine.</p>
      </div>
      <details>
        <summary><span class="chevron" aria-hidden="true"></span>Advanced
          <span class="more">type, algorithm, digits, period</span></summary>
        <div class="grid">
          <div>
            <label for="type">Type</label>
            <select id="type" name="type" @change=${(e: Event) => {
              this.type = (e.target as HTMLSelectElement).value === 'hotp' ? 'hotp' : 'totp';
            }}>
              <option value="totp">TOTP (time)</option>
              <option value="hotp">HOTP (counter)</option>
            </select>
          </div>
          <div>
            <label for="algorithm">Algorithm</label>
            <select id="algorithm" name="algorithm">
              <option>SHA1</option><option>SHA256</option><option>SHA512</option>
            </select>
          </div>
          <div>
            <label for="digits">Digits</label>
            <select id="digits" name="digits"><option>6</option><option>7</option><option>8</option></select>
          </div>
          ${
            this.type === 'totp'
              ? html`<div><label for="period">Period (seconds)</label>
                <input id="period" name="period" type="number" inputmode="numeric" min="1" max="300" value="30" /></div>`
              : html`<input type="hidden" name="period" value="30" />
                <div><label for="counter">Counter</label>
                <input id="counter" name="counter" type="number" inputmode="numeric" min="0" value="0" /></div>`
          }
        </div>
      </details>
      <button class="primary" type="submit">Continue</button>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'manual-entry-form': ManualEntryForm;
  }
}
