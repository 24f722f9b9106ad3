import { css } from 'lit';

/**
 * Shared look of the elements. Every colour and size is a custom property with a default, so a
 * page themes all of them at once, e.g. `mfa-enroll, mfa-challenge { --mfa-color-accent: teal }`.
 */
export const theme = css`
  :host {
    display: block;
    font: var(--mfa-font, 1rem/1.5 system-ui, sans-serif);
    color: var(--mfa-color-text, #1d2430);
    max-width: var(--mfa-max-width, 28rem);
  }
  [hidden] {
    display: none !important;
  }
  form {
    display: grid;
    gap: var(--mfa-gap, 0.75rem);
  }
  label {
    font-weight: 600;
  }
  .hint {
    color: var(--mfa-color-muted, #5b6472);
    font-size: 0.9em;
    margin: 0;
  }
  input {
    font: inherit;
    font-size: 1.25em;
    letter-spacing: 0.1em;
    padding: 0.5em 0.75em;
    border: 1px solid var(--mfa-color-border, #b8c0cc);
    border-radius: var(--mfa-radius, 0.5rem);
    background: var(--mfa-color-bg, #fff);
    color: inherit;
    min-width: 0;
  }
  input:focus-visible,
  button:focus-visible,
  a:focus-visible {
    outline: 3px solid var(--mfa-color-focus, #7aa7ff);
    outline-offset: 2px;
  }
  button.primary {
    font: inherit;
    font-weight: 600;
    padding: 0.6em 1.2em;
    min-height: 2.75rem;
    border: none;
    border-radius: var(--mfa-radius, 0.5rem);
    background: var(--mfa-color-accent, #2456d6);
    color: var(--mfa-color-accent-text, #fff);
    cursor: pointer;
  }
  button.link {
    font: inherit;
    padding: 0;
    border: none;
    background: none;
    color: var(--mfa-color-accent, #2456d6);
    text-decoration: underline;
    cursor: pointer;
    justify-self: start;
  }
  button:disabled,
  input:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  .error {
    color: var(--mfa-color-error, #b3261e);
    font-weight: 600;
    margin: 0;
  }
  .error:empty {
    display: none;
  }
  .status {
    margin: 0;
  }
`;
