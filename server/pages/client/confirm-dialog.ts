import { html, nothing } from 'lit';

/** A question a destructive action asks first. */
export interface Confirm {
  title: string;
  body: string;
  /** The confirming button's label, e.g. "Reset MFA". */
  action: string;
  run(): Promise<void>;
}

/**
 * A modal `<dialog>` asking to confirm (Escape or Cancel says no). Render it in the page's
 * template, then call {@link syncDialog} after each render to open or close it.
 *
 * @example html`${confirmDialog(confirm, () => { confirm = null; paint(); })}`
 */
export function confirmDialog(confirm: Confirm | null, onCancel: () => void) {
  const accept = async (event: Event) => {
    const button = event.currentTarget as HTMLButtonElement;
    button.disabled = true;
    button.textContent = 'Working…';
    await confirm?.run();
  };
  return html`<dialog class="confirm" aria-labelledby="confirm-title" aria-describedby="confirm-body"
    @close=${() => confirm && onCancel()}>
    ${
      confirm
        ? html`<div class="stack">
          <h2 id="confirm-title">${confirm.title}</h2>
          <p id="confirm-body">${confirm.body}</p>
          <div class="actions">
            <button class="button" type="button" autofocus @click=${onCancel}>Cancel</button>
            <button class="button danger" type="button" @click=${accept}>${confirm.action}</button>
          </div>
        </div>`
        : nothing
    }
  </dialog>`;
}

/** Opens the page's dialog when there is a question, closes it when there is none. */
export function syncDialog(root: HTMLElement, open: boolean): void {
  const dialog = root.querySelector<HTMLDialogElement>('dialog.confirm');
  if (!dialog) return;
  if (open && !dialog.open) dialog.showModal();
  else if (!open && dialog.open) dialog.close();
}
