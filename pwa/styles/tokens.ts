import { css } from 'lit';

/**
 * Shared design tokens: colours for light and dark (following the system), spacing, radii and the
 * focus ring. Every element adopts these so the look stays one.
 *
 * @example static override styles = [tokens, css`:host { color: var(--fg); }`];
 */
export const tokens = css`
  :host {
    --bg: #f6f7f9;
    --surface: #ffffff;
    --fg: #14181f;
    --muted: #4a5565;
    --accent: #1b4d8c;
    --accent-fg: #ffffff;
    --danger: #a4161a;
    --border: #cfd5de;
    --ok: #1d6b3a;
    --focus: #0b5cd5;
    --radius: 12px;
    --gap: 12px;
    font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    color: var(--fg);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --bg: #0f1217;
      --surface: #1a1f27;
      --fg: #eef1f5;
      --muted: #aab4c3;
      --accent: #8ab4f8;
      --accent-fg: #0b1a2e;
      --danger: #ff8a80;
      --border: #343c48;
      --ok: #7ddc9c;
      --focus: #8ab4f8;
    }
  }
  :focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  button {
    font: inherit;
    min-height: 44px;
    min-width: 44px;
    padding: 0 14px;
    border-radius: 10px;
    border: 1px solid var(--border);
    background: var(--surface);
    color: var(--fg);
    cursor: pointer;
  }
  button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: var(--accent-fg);
  }
  button.danger {
    color: var(--danger);
    border-color: var(--danger);
  }
  /* Links in the product's colour, visited or not (no browser blue and purple); zero
     specificity, so every component's own link style wins. */
  :where(a:any-link) {
    color: var(--accent);
  }
  /* A link that does what a button next to it would (Cancel beside Save): looks like one. */
  a.button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    box-sizing: border-box;
    min-height: 44px;
    min-width: 44px;
    padding: 0 14px;
    border-radius: 10px;
    border: 1px solid var(--border);
    background: var(--surface);
    color: var(--fg);
    text-decoration: none;
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--fg);
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: 8px;
    padding: 10px;
    min-height: 24px;
    box-sizing: border-box;
    width: 100%;
  }
  label {
    display: block;
    font-weight: 600;
    margin-bottom: 4px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .error {
    color: var(--danger);
    font-weight: 600;
  }
`;
