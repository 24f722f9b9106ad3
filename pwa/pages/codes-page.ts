import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import '../components/account-card.ts';
import '../components/install-button.ts';
import type { MoveRequest } from '../components/account-card.ts';
import { showToast } from '../components/toast.ts';
import { accountsModel, ModelController } from '../state/app-model.ts';
import { lastBackupWords, needsBackup } from '../state/backup-status.ts';
import { tokens } from '../styles/tokens.ts';
import type { VaultEntry } from '../vault/vault.ts';
import { listWindow, type RowRange } from './list-window.ts';

/** Cards computed before their first visibility report: about a screenful. */
const EAGER_CARDS = 8;
/** Cards in the first render, before a row has been measured: about a screenful. */
const FIRST_CHUNK = 8;
/** Rows kept in the DOM beyond each edge of the viewport, so scrolling rarely shows a gap. */
const OVERSCAN = 3;
/** The sticky app header covers this much of the viewport's top. */
const TOP_INSET = 64;

function matches(entry: VaultEntry, query: string): boolean {
  const { issuer = '', label } = entry.account;
  return `${issuer}\n${label}`.toLocaleLowerCase().includes(query);
}

/**
 * The home screen: every account's code, a search field, reordering (Alt+↑/↓ on a card; in the
 * edit mode that "Reorder" turns on, ↑/↓ buttons and drag and drop), and the records that could
 * not be read. New users get an empty state that explains how
 * to add a first account.
 *
 * The list is windowed: only the rows in and near the viewport are in the DOM, the rest is padding
 * of the exact height (every row has the same fixed height), so a period rollover and every
 * list-wide change cost the same with 5 accounts or 5000. Items carry `aria-setsize` and
 * `aria-posinset` so screen readers still announce the whole list.
 *
 * @example html`<codes-page></codes-page>`
 */
@customElement('codes-page')
export class CodesPage extends LitElement {
  static override styles = [
    tokens,
    css`
      :host { display: block; }
      /* Block, not grid: a grid re-measures every item whenever one card changes. */
      ul { list-style: none; margin: 0; padding: 0; display: block; }
      /* One fixed height for every row (gap included): the window maths depends on it. */
      /* Compact: names line, code line, and the gap; seven fit a 360×740 phone below the header. */
      li { box-sizing: border-box; height: max(78px, 4.875rem); padding-bottom: 6px; }
      li[draggable='true'] { cursor: grab; }
      li.drop-target { outline: 2px dashed var(--accent); border-radius: var(--radius); }
      .search { display: flex; flex-wrap: wrap; gap: 8px; margin: 0 0 8px; }
      .search input { flex: 1 1 10em; min-width: 0; }
      .search button { flex: none; }
      .editing { color: var(--muted); margin: 0 0 8px; }
      .empty { text-align: center; padding: 32px 12px; }
      .empty .install { margin-top: 24px; }
      .empty a { display: inline-block; margin-top: 12px; padding: 12px 20px; border-radius: 10px;
        background: var(--accent); color: var(--accent-fg); text-decoration: none; font-weight: 600; }
      .warning { border: 1px solid var(--danger); border-radius: var(--radius); padding: 8px 12px; margin-bottom: 12px; }
      .warning ul { display: block; }
      .reminder { border-left: 4px solid var(--accent); padding: 4px 10px; margin: 0 0 8px; }
    `,
  ];

  private readonly model = new ModelController(this);
  @state() private query = '';
  @state() private dropTarget: string | null = null;
  /** Edit mode: ↑/↓ on every card and drag and drop, in place of the codes. */
  @state() private editing = false;
  private dragged: string | null = null;
  /** Row height in px (0 until measured) and the list's top edge relative to the viewport. */
  private rowHeight = 0;
  private listTop = 0;
  /** The range of rows last rendered, and the number of rows it was taken from. */
  private range: RowRange = { start: 0, end: 0 };
  private rowCount = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('scroll', this.onViewport, { passive: true });
    window.addEventListener('resize', this.onViewport, { passive: true });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('scroll', this.onViewport);
    window.removeEventListener('resize', this.onViewport);
  }

  protected override updated(): void {
    // Content above the list (search results text, warnings) may have moved it.
    this.onViewport();
  }

  /** Re-reads where the list is and redraws only when that changes which rows are rendered. */
  private readonly onViewport = (): void => {
    const list = this.renderRoot.querySelector<HTMLElement>('ul.accounts');
    if (!list) return;
    // Re-measured each time (layout is read here anyway): the root font size may have changed.
    this.rowHeight = list.querySelector('li')?.offsetHeight || this.rowHeight;
    this.listTop = list.getBoundingClientRect().top;
    const next = this.windowFor(this.rowCount);
    if (next.start !== this.range.start || next.end !== this.range.end) this.requestUpdate();
  };

  private windowFor(count: number): RowRange {
    if (!this.rowHeight) return { start: 0, end: Math.min(count, FIRST_CHUNK) };
    return listWindow({
      count,
      rowHeight: this.rowHeight,
      listTop: this.listTop,
      viewportHeight: window.innerHeight,
      overscan: OVERSCAN,
    });
  }

  /** Scrolls just enough for row `index` to be fully visible below the sticky header. */
  private revealRow(index: number): void {
    if (!this.rowHeight) return;
    const top = this.listTop + index * this.rowHeight;
    const bottom = top + this.rowHeight;
    if (top < TOP_INSET) window.scrollBy(0, top - TOP_INSET);
    else if (bottom > window.innerHeight) window.scrollBy(0, bottom - window.innerHeight);
    this.onViewport();
  }

  private async onMove(event: CustomEvent<MoveRequest>): Promise<void> {
    const { id, delta } = event.detail;
    await accountsModel.move(id, delta);
    // The moved row may now lie outside the rendered window: bring it on screen first.
    this.revealRow(accountsModel.entries.findIndex((e) => e.id === id));
    await this.updateComplete;
    // The card's node moved, which drops focus; put it back on the same control.
    const card = this.renderRoot.querySelector<HTMLElementTagNameMap['account-card']>(
      `account-card[data-id="${CSS.escape(id)}"]`,
    );
    await card?.updateComplete;
    card?.focusControl(event.detail.focus);
  }

  private readonly toggleEditing = (): void => {
    this.editing = !this.editing;
  };

  private async onDrop(target: VaultEntry): Promise<void> {
    const from = accountsModel.entries.findIndex((e) => e.id === this.dragged);
    const to = accountsModel.entries.indexOf(target);
    this.dropTarget = null;
    if (this.dragged && from >= 0 && to >= 0) await accountsModel.move(this.dragged, to - from);
    this.dragged = null;
  }

  private async discard(id: string): Promise<void> {
    const undo = await accountsModel.remove(id);
    showToast({ message: 'Unreadable record deleted', action: { label: 'Undo', run: undo } });
  }

  override render() {
    const { status, entries, unreadable } = this.model.model;
    if (status === 'loading') return html`<p aria-busy="true">Opening your vault…</p>`;
    if (status === 'unavailable') {
      return html`<p class="error" role="alert">This browser does not let the app store data here
        (a private window, or storage is blocked), so accounts cannot be kept.</p>`;
    }
    return html`${unreadable.length ? this.renderUnreadable() : nothing}
      ${entries.length === 0 ? this.renderEmpty() : this.renderList(entries)}`;
  }

  private renderEmpty() {
    return html`<section class="empty" aria-labelledby="empty-title">
      <h2 id="empty-title">No accounts yet</h2>
      <p>When a website or app you sign in to turns on two-step sign-in, it shows a QR code. Tap
        the button below and point this phone's camera at that code, or type the key shown
        beside it. The codes then appear here, even offline.</p>
      <a href="#/add">Add your first account</a>
      <install-button class="install"></install-button>
    </section>`;
  }

  private renderUnreadable() {
    const { unreadable } = this.model.model;
    return html`<div class="warning" role="alert">
      <p><strong>${unreadable.length} stored ${unreadable.length === 1 ? 'record' : 'records'} could not be read</strong>
        (damaged, or written with another key) and ${unreadable.length === 1 ? 'is' : 'are'} skipped.</p>
      <ul>${unreadable.map(
        (u, i) =>
          html`<li>Record ${i + 1} <button @click=${() => this.discard(u.id)}>Delete record ${i + 1}</button></li>`,
      )}</ul>
    </div>`;
  }

  private renderList(entries: VaultEntry[]) {
    const query = this.query.trim().toLocaleLowerCase();
    const shown = query ? entries.filter((e) => matches(e, query)) : entries;
    // Reordering a filtered list would be ambiguous; it is offered on the full list only.
    const reorder = !query;
    const editing = this.editing && reorder;
    this.rowCount = shown.length;
    this.range = this.windowFor(shown.length);
    const { start, end } = this.range;
    // Accounts added since the last backup are in none: say so until one is made.
    const reminder = needsBackup(entries)
      ? html`<p class="reminder" data-testid="backup-reminder">Last backup: ${lastBackupWords()}.
          <a href="#/backup">Make a backup</a></p>`
      : nothing;
    return html`${reminder}<div class="search">
        <label class="visually-hidden" for="search">Search accounts</label>
        <input id="search" type="search" autocomplete="off" placeholder="Search accounts"
          .value=${this.query} @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)} />
        ${
          reorder && shown.length > 1
            ? html`<button data-testid="reorder" @click=${this.toggleEditing}>${this.editing ? 'Done' : 'Reorder'}</button>`
            : nothing
        }
      </div>
      ${editing ? html`<p class="editing" role="status">Move accounts with ↑ and ↓ (or Alt+↑ and Alt+↓), or drag them.</p>` : nothing}
      ${shown.length === 0 ? html`<p>No account matches “${this.query}”.</p>` : nothing}
      <ul class="accounts" aria-label="Accounts" style=${`padding: ${start * this.rowHeight}px 0 ${(shown.length - end) * this.rowHeight}px`}
        @move-account=${this.onMove}
        @advance-counter=${(e: CustomEvent<{ id: string }>) => accountsModel.advanceCounter(e.detail.id)}>
        ${repeat(
          shown.slice(start, end),
          (e) => e.id,
          (e, offset) => {
            const i = start + offset;
            return html`<li draggable=${editing ? 'true' : 'false'} class=${this.dropTarget === e.id ? 'drop-target' : ''}
              aria-setsize=${shown.length} aria-posinset=${i + 1}
              @dragstart=${(ev: DragEvent) => {
                this.dragged = e.id;
                ev.dataTransfer?.setData('text/plain', '');
              }}
              @dragover=${(ev: DragEvent) => {
                if (!this.dragged) return;
                ev.preventDefault();
                this.dropTarget = e.id;
              }}
              @drop=${(ev: DragEvent) => {
                ev.preventDefault();
                void this.onDrop(e);
              }}>
            <account-card data-id=${e.id} .entry=${e} ?eager=${i < EAGER_CARDS} ?editing=${editing}
              ?first=${!reorder || i === 0} ?last=${!reorder || i === shown.length - 1}></account-card>
          </li>`;
          },
        )}
      </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'codes-page': CodesPage;
  }
}
