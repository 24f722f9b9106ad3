import { html, nothing, render } from 'lit';
import type { BatchDisableResult, UserKind, UserListItem } from '../../../sdk/client/index.ts';
import { client, errorText, sessionEnded, toLogin } from './api.ts';
import { batchResultView } from './batch-result.ts';
import { type Confirm, confirmDialog, syncDialog } from './confirm-dialog.ts';
import { flash } from './flash.ts';

export const PAGE_SIZE = 10;
type MfaFilter = '' | 'enabled' | 'disabled';

/**
 * Admin > HR > Employees and CRM > Contacts: name, username, authentication type and MFA column;
 * search, MFA filter, paging; "Reset MFA" with a confirmation; on contacts, checkboxes and the
 * batch "Disable MFA" with a result per person.
 */
export async function mount(root: HTMLElement): Promise<void> {
  const box = root.querySelector<HTMLElement>('#app')!;
  const kind = (document.body.dataset.kind ?? 'employee') as UserKind;
  const batch = kind === 'contact';
  const noun = batch ? 'contacts' : 'employees';
  const params = new URLSearchParams(location.search);
  let q = params.get('q') ?? '';
  let mfa: MfaFilter =
    params.get('mfa') === 'enabled' || params.get('mfa') === 'disabled'
      ? (params.get('mfa') as MfaFilter)
      : '';
  // cursors[i] is the cursor that fetches page i; page 0 has none.
  let cursors: (number | undefined)[] = [undefined];
  let pageIndex = 0;
  let users: UserListItem[] = [];
  let nextCursor: number | null = null;
  let loading = true;
  let error = '';
  let selected = new Set<number>();
  let confirm: Confirm | null = null;
  let result: { outcome: BatchDisableResult; names: Map<number, string> } | null = null;
  let debounce: ReturnType<typeof setTimeout> | undefined;

  const load = async () => {
    loading = true;
    paint();
    try {
      const page = await client.listUsers({
        kind,
        q: q.trim(),
        mfa: mfa || undefined,
        limit: PAGE_SIZE,
        cursor: cursors[pageIndex],
      });
      users = page.users;
      nextCursor = page.nextCursor;
      error = '';
    } catch (caught) {
      if (sessionEnded(caught)) return toLogin();
      error = errorText(caught);
    } finally {
      loading = false;
      selected = new Set();
      paint();
    }
  };

  const requery = () => {
    cursors = [undefined];
    pageIndex = 0;
    const url = new URL(location.href);
    for (const [k, v] of [
      ['q', q.trim()],
      ['mfa', mfa],
    ] as const) {
      if (v) url.searchParams.set(k, v);
      else url.searchParams.delete(k);
    }
    history.replaceState(null, '', url);
    void load();
  };

  const go = (step: 1 | -1) => {
    if (step === 1 && nextCursor !== null) {
      cursors[pageIndex + 1] = nextCursor;
      pageIndex++;
    } else if (step === -1 && pageIndex > 0) pageIndex--;
    else return;
    void load();
  };

  /** Runs a confirmed action, then reloads the page of the listing and moves focus to `focus`. */
  const run = async (action: () => Promise<void>, focus?: string) => {
    try {
      await action();
    } catch (caught) {
      if (sessionEnded(caught)) return toLogin();
      flash(errorText(caught), 'error');
    }
    confirm = null;
    await load();
    if (focus) box.querySelector<HTMLElement>(focus)?.focus();
  };

  // An SSO user is never asked to set MFA up (SSO sign-ins take no code): a reset only removes it.
  const askRemove = (user: UserListItem) => {
    confirm = {
      title: `Remove MFA for ${user.name}?`,
      body: `${user.name} (${user.username}) signs in with SAML SSO. Their MFA is removed and their current sessions end now; they keep signing in through SSO, and can enable MFA again from My Profile.`,
      action: 'Remove MFA',
      run: () =>
        run(async () => {
          await client.resetUserMfa(user.id);
          result = null;
          flash(`MFA removed for ${user.name}.`);
        }),
    };
    paint();
  };

  const askReset = (user: UserListItem) => {
    confirm = {
      title: `Reset MFA for ${user.name}?`,
      body: `${user.name} (${user.username}) will have to set MFA up again at their next sign-in, and their current sessions end now.`,
      action: 'Reset MFA',
      run: () =>
        run(async () => {
          await client.resetUserMfa(user.id);
          result = null;
          flash(`MFA reset for ${user.name}: they set it up again at their next sign-in.`);
        }),
    };
    paint();
  };

  const askBatch = () => {
    const chosen = users.filter((u) => selected.has(u.id));
    confirm = {
      title: `Disable MFA for ${chosen.length} ${chosen.length === 1 ? 'contact' : 'contacts'}?`,
      body: `${chosen.map((u) => u.name).join(', ')}. Their current sessions end. When the company requires MFA, they set it up again at their next sign-in.${chosen.some((u) => u.authType === 'saml') ? ' SAML SSO users are not asked to: they keep signing in through SSO.' : ''}`,
      action: 'Disable MFA',
      run: () =>
        run(async () => {
          const outcome = await client.batchDisableMfa(chosen.map((u) => u.id));
          result = { outcome, names: new Map(chosen.map((u) => [u.id, u.name])) };
          flash(`MFA disabled for ${outcome.disabled.length} of ${chosen.length}.`);
          // The Disable MFA button that had focus is now disabled: go to the result instead.
        }, '#batch-result-h'),
    };
    paint();
  };

  const toggle = (id: number, on: boolean) => {
    if (on) selected.add(id);
    else selected.delete(id);
    paint();
  };

  const toggleAll = (on: boolean) => {
    selected = on ? new Set(users.map((u) => u.id)) : new Set();
    paint();
  };

  const row = (u: UserListItem) => html`<tr data-user-id=${u.id}>
    ${
      batch
        ? html`<td class="check"><input type="checkbox" aria-label=${`Select ${u.name}`} .checked=${selected.has(u.id)}
      @change=${(e: Event) => toggle(u.id, (e.target as HTMLInputElement).checked)} /></td>`
        : nothing
    }
    <th scope="row" data-label="Name">${u.name}</th>
    <td data-label="Username">${u.username}</td>
    <td data-label="Authentication">${u.authType === 'saml' ? 'SAML SSO' : 'Password'}</td>
    <td data-label="MFA"><span class=${`badge ${u.mfaEnabled ? 'on' : 'off'}`}>${u.mfaEnabled ? 'Enabled' : 'Disabled'}</span></td>
    <td class="row-actions">${
      u.authType !== 'saml'
        ? html`<button class="button small" type="button" aria-label=${`Reset MFA for ${u.name}`} @click=${() => askReset(u)}>Reset MFA</button>`
        : u.mfaEnabled
          ? html`<button class="button small" type="button" aria-label=${`Remove MFA for ${u.name}`} @click=${() => askRemove(u)}>Remove MFA</button>`
          : nothing
    }</td>
  </tr>`;

  const table = () => {
    if (error) return html`<p class="notice error" role="alert">${error}</p>`;
    if (!loading && users.length === 0) return html`<p class="empty">No ${noun} match.</p>`;
    const all = users.length > 0 && users.every((u) => selected.has(u.id));
    return html`<table class="listing" aria-busy=${loading ? 'true' : 'false'}>
      <caption class="visually-hidden">${batch ? 'Contacts' : 'Employees'}, page ${pageIndex + 1}</caption>
      <thead><tr>
        ${batch ? html`<td class="check"><input type="checkbox" aria-label="Select all on this page" .checked=${all} @change=${(e: Event) => toggleAll((e.target as HTMLInputElement).checked)} /></td>` : nothing}
        <th scope="col">Name</th><th scope="col">Username</th><th scope="col">Authentication</th>
        <th scope="col">MFA</th><th scope="col"><span class="visually-hidden">Actions</span></th>
      </tr></thead>
      <tbody>${users.map(row)}</tbody>
    </table>`;
  };

  const paint = () => {
    render(
      html`<form class="toolbar" role="search" @submit=${(e: Event) => {
        e.preventDefault();
        clearTimeout(debounce);
        requery();
      }}>
          <div class="field grow">
            <label for="search">Search</label>
            <input id="search" type="search" placeholder="Name or username" .value=${q} autocomplete="off"
              @input=${(e: Event) => {
                q = (e.target as HTMLInputElement).value;
                clearTimeout(debounce);
                debounce = setTimeout(requery, 300);
              }} />
          </div>
          <div class="field">
            <label for="mfa-filter">MFA status</label>
            <select id="mfa-filter" .value=${mfa} @change=${(e: Event) => {
              mfa = (e.target as HTMLSelectElement).value as MfaFilter;
              requery();
            }}>
              <option value="" ?selected=${mfa === ''}>All</option>
              <option value="enabled" ?selected=${mfa === 'enabled'}>Enabled</option>
              <option value="disabled" ?selected=${mfa === 'disabled'}>Disabled</option>
            </select>
          </div>
        </form>
        ${
          batch
            ? html`<div class="batchbar">
          <span role="status" id="selection-count">${selected.size} selected</span>
          <button class="button danger" type="button" ?disabled=${selected.size === 0} @click=${askBatch}>Disable MFA</button>
        </div>`
            : nothing
        }
        ${
          result
            ? batchResultView(result.outcome, result.names, () => {
                result = null;
                paint();
              })
            : nothing
        }
        ${table()}
        <nav class="pager" aria-label="Pages">
          <button class="button" type="button" ?disabled=${pageIndex === 0 || loading} @click=${() => go(-1)}>Previous</button>
          <span id="page-number">Page ${pageIndex + 1}</span>
          <button class="button" type="button" ?disabled=${nextCursor === null || loading} @click=${() => go(1)}>Next</button>
        </nav>
        ${confirmDialog(confirm, () => {
          confirm = null;
          paint();
        })}`,
      box,
    );
    syncDialog(box, confirm !== null);
  };

  box.replaceChildren();
  box.removeAttribute('aria-busy');
  await load();
}
