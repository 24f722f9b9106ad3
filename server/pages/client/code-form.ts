import { html, nothing } from 'lit';

/** What {@link codeForm} shows and does. */
export interface CodeFormOptions {
  id: string;
  intro: string;
  submitLabel: string;
  danger?: boolean;
  busy: boolean;
  error: string;
  onSubmit(code: string): void;
  onCancel(): void;
}

/**
 * A small "type a current MFA code to confirm" form (regenerate recovery codes, disable MFA):
 * labelled field with the one-time-code autofill hint (it takes a recovery code too, so the
 * keyboard is a text one), an alert region for errors, Cancel.
 *
 * @example render(codeForm({ id: 'disable', intro: '…', submitLabel: 'Disable MFA', … }), box)
 */
export function codeForm(o: CodeFormOptions) {
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).querySelector('input')!;
    const typed = input.value.trim();
    o.onSubmit(/^[\d\s]+$/.test(typed) ? typed.replace(/\s/g, '') : typed);
  };
  return html`<form class="stack" id=${`${o.id}-form`} novalidate @submit=${submit}>
    <p>${o.intro}</p>
    <label for=${`${o.id}-code`}>Current MFA code or recovery code</label>
    <input id=${`${o.id}-code`} name="code" autocomplete="one-time-code"
      autocapitalize="off" spellcheck="false" maxlength="64" required
      aria-describedby=${`${o.id}-error`} aria-invalid=${o.error ? 'true' : 'false'} />
    <p class="error" id=${`${o.id}-error`} role="alert">${o.error || nothing}</p>
    <div class="actions">
      <button class=${`button ${o.danger ? 'danger' : 'primary'}`} type="submit" ?disabled=${o.busy}>
        ${o.busy ? 'Checking…' : o.submitLabel}
      </button>
      <button class="button" type="button" @click=${o.onCancel}>Cancel</button>
    </div>
  </form>`;
}
