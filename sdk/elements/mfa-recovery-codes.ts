import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { emit } from './events.ts';
import { theme } from './theme.ts';

/**
 * `<mfa-recovery-codes>`: shows recovery codes once, with Copy, Download (.txt) and Print, and an
 * "I have saved them" confirmation that dispatches `mfa-recovery-codes-saved`. `<mfa-enroll>`
 * uses it; a profile page can use it after "Regenerate recovery codes".
 *
 * @example
 * const el = document.createElement('mfa-recovery-codes');
 * el.codes = (await client.regenerateRecoveryCodes({ code })).recoveryCodes;
 */
@customElement('mfa-recovery-codes')
export class MfaRecoveryCodes extends LitElement {
  static override styles = [
    theme,
    css`
      h3:focus {
        outline: none;
      }
      ol {
        display: grid;
        /* One column, and codes that break, when large text leaves no room for 11em. */
        grid-template-columns: repeat(auto-fill, minmax(min(11em, 100%), 1fr));
        overflow-wrap: anywhere;
        gap: 0.25rem 1rem;
        padding: 0.75rem 0.75rem 0.75rem 2.5rem;
        margin: 0;
        border: 1px dashed var(--mfa-color-border, #b8c0cc);
        border-radius: var(--mfa-radius, 0.5rem);
        font-family: var(--mfa-font-mono, ui-monospace, monospace);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1.25rem;
      }
      section {
        display: grid;
        gap: var(--mfa-gap, 0.75rem);
      }
    `,
  ];

  /** The codes to show. */
  @property({ attribute: false }) codes: string[] = [];
  /** Name of the downloaded file; by default it names the issuer, the account and the date. */
  @property() filename = '';
  /** Heading text, e.g. the product's name for the print-out. */
  @property() heading = 'Recovery codes';
  /** Who the codes are for: the company (the key's issuer), named in the download and print-out. */
  @property() issuer = '';
  /** The account the codes sign in to (its username), named in the download and print-out. */
  @property() account = '';

  @state() private notice = '';

  override render() {
    return html`<section aria-labelledby="heading">
      <h3 id="heading" part="heading" tabindex="-1">${this.heading}</h3>
      <p class="hint">
        Each code signs you in once if you lose your phone. Keep them somewhere safe: they are shown
        only now.
      </p>
      <ol part="codes">
        ${this.codes.map((code) => html`<li part="code">${code}</li>`)}
      </ol>
      <div class="actions" part="actions">
        <button class="link" part="action copy" type="button" @click=${this.copy}>Copy</button>
        <button class="link" part="action download" type="button" @click=${this.download}>Download</button>
        <button class="link" part="action print" type="button" @click=${this.print}>Print</button>
      </div>
      <p class="status" role="status" part="notice">${this.notice}</p>
      <button class="primary" part="button confirm" type="button" @click=${this.confirm}>
        I have saved them
      </button>
    </section>`;
  }

  // The codes replace the form the person just used: move the focus to them, so screen readers
  // read them and keyboard users are not left on a removed button.
  override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLElement>('h3')?.focus();
  }

  /** What the download and the print-out hold: whose codes they are and when they were made. */
  private text(): string {
    const about = [
      this.issuer && `Company: ${this.issuer}`,
      this.account && `Account: ${this.account}`,
      `Made on: ${localDate(new Date())}`,
    ].filter(Boolean);
    return [
      `${this.heading}${this.issuer ? ` for ${this.issuer}` : ''}`,
      '',
      ...about,
      '',
      'Each code signs you in once, instead of a code from your authenticator app.',
      'Making new recovery codes replaces all of these.',
      '',
      ...this.codes,
      '',
    ].join('\n');
  }

  private fileName(): string {
    if (this.filename) return this.filename;
    const parts = [this.issuer, 'recovery-codes', this.account, localDate(new Date())];
    return `${parts.filter(Boolean).map(fileSafe).join('-')}.txt`;
  }

  private async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.codes.join('\n'));
      this.notice = 'Copied to the clipboard.';
    } catch {
      // Clipboard needs a secure context and permission; selecting lets the person copy by hand.
      const list = this.renderRoot.querySelector('ol');
      if (list) getSelection()?.selectAllChildren(list);
      this.notice = 'Copy is not available here: the codes are selected, copy them by hand.';
    }
  }

  private download(): void {
    const name = this.fileName();
    const url = URL.createObjectURL(new Blob([this.text()], { type: 'text/plain' }));
    const link = Object.assign(document.createElement('a'), { href: url, download: name });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
    this.notice = `Downloaded ${name}.`;
  }

  private print(): void {
    // A hidden frame prints only the codes, not the page around the element.
    const frame = Object.assign(document.createElement('iframe'), {
      title: 'Recovery codes print-out',
    });
    frame.style.cssText = 'position:fixed;width:0;height:0;border:0;';
    document.body.append(frame);
    const doc = frame.contentDocument;
    if (!doc || !frame.contentWindow) {
      frame.remove();
      return;
    }
    const pre = doc.createElement('pre');
    pre.textContent = this.text();
    doc.body.append(pre);
    frame.contentWindow.addEventListener('afterprint', () => frame.remove());
    frame.contentWindow.print();
  }

  private confirm(): void {
    emit(this, 'mfa-recovery-codes-saved', {});
  }
}

/** The day in the person's own time zone, as `2026-12-07` (sorts, and reads the same everywhere). */
function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A piece of a file name: letters, digits, `.`, `_`, `@` and `-` only, spaces as `-`. */
function fileSafe(part: string): string {
  return part
    .trim()
    .replace(/\s+/g, '-')
    .replace(/[^\p{L}\p{N}._@-]/gu, '');
}

declare global {
  interface HTMLElementTagNameMap {
    'mfa-recovery-codes': MfaRecoveryCodes;
  }
}
