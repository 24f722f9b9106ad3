import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { tokens } from '../styles/tokens.ts';

/**
 * "A new version is ready — Reload". Shown when a new service worker waits; the app reloads only
 * when the user presses Reload (the prompt fires `update-accepted`), never by itself.
 *
 * @fires update-accepted
 * @example html`<update-prompt ?open=${waiting} @update-accepted=${apply}></update-prompt>`
 */
@customElement('update-prompt')
export class UpdatePrompt extends LitElement {
  static override styles = [
    tokens,
    css`
      :host { display: block; }
      .bar { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap;
        background: var(--surface); border: 1px solid var(--accent); border-radius: var(--radius);
        padding: 8px 12px; margin: 8px 0; }
    `,
  ];

  @property({ type: Boolean, reflect: true }) open = false;

  override render() {
    if (!this.open) return nothing;
    return html`<div class="bar" role="alert">
      <span>A new version is ready.</span>
      <span>
        <button @click=${() => (this.open = false)}>Later</button>
        <button class="primary" @click=${() => this.dispatchEvent(new Event('update-accepted', { bubbles: true, composed: true }))}>
          Reload
        </button>
      </span>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'update-prompt': UpdatePrompt;
  }
}
