import { html, nothing, render } from 'lit';
import type { AuditEvent, AuditQuery } from '../../../sdk/client/index.ts';
import { client, errorText, sessionEnded, toLogin } from './api.ts';
import { auditCsv } from './audit-csv.ts';
import { localDateTime } from './dates.ts';

const PAGE_SIZE = 25;
/** The export reads pages of the API's largest size, up to this many events. */
const EXPORT_PAGE = 200;
const EXPORT_MAX = 10_000;

/** Words for the server's audit actions (services/audit.ts); unknown ones show as they are. */
const ACTIONS: Record<string, string> = {
  'login.succeeded': 'Signed in',
  'login.failed': 'Sign-in failed',
  'login.locked': 'Password login locked',
  'mfa.failed': 'Wrong MFA code',
  'mfa.locked': 'MFA locked',
  'mfa.replayed': 'MFA code sent again',
  'mfa.recovery_code_reused': 'Spent recovery code tried',
  'mfa.enabled': 'MFA enabled',
  'mfa.disabled': 'MFA disabled',
  'mfa.reset': 'MFA reset',
  'mfa.replaced': 'Authenticator replaced',
  'mfa.recovery_code_used': 'Recovery code used',
  'mfa.recovery_codes_regenerated': 'Recovery codes regenerated',
  'policy.changed': 'Policy changed',
  'batch.mfa_disabled': 'MFA disabled (batch)',
  logout: 'Logged out',
};

/** The filters as the form and the address hold them; dates are the person's own days. */
interface Filters {
  actor: string;
  action: string;
  /** `YYYY-MM-DD`, from the start of that day in the browser's time zone. */
  from: string;
  /** `YYYY-MM-DD`, up to the end of that day. */
  to: string;
}
const FILTER_KEYS = ['actor', 'action', 'from', 'to'] as const;

const isDay = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);

/** Local midnight of a `YYYY-MM-DD` day, plus `days`, as the API's ISO date-time. */
function dayStart(day: string, days = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + days).toISOString();
}

/** The API's query for the filters: the `to` day is included whole. */
function toQuery(f: Filters): AuditQuery {
  return {
    actor: f.actor.trim() || undefined,
    action: f.action || undefined,
    from: isDay(f.from) ? dayStart(f.from) : undefined,
    to: isDay(f.to) ? dayStart(f.to, 1) : undefined,
  };
}

/**
 * The audit log for admins: newest first, with Newer/Older paging, filters by user, action and
 * days (kept in the address), and a CSV export of what the filters select.
 */
export async function mount(root: HTMLElement): Promise<void> {
  const box = root.querySelector<HTMLElement>('#app')!;
  const params = new URLSearchParams(location.search);
  let filters: Filters = {
    actor: params.get('actor') ?? '',
    action: params.get('action') ?? '',
    from: isDay(params.get('from') ?? '') ? params.get('from')! : '',
    to: isDay(params.get('to') ?? '') ? params.get('to')! : '',
  };
  let cursors: (number | undefined)[] = [undefined];
  let pageIndex = 0;
  let events: AuditEvent[] = [];
  let nextCursor: number | null = null;
  let error = '';
  let exportNote = '';
  let exporting = false;

  const load = async () => {
    try {
      const page = await client.audit({
        ...toQuery(filters),
        limit: PAGE_SIZE,
        cursor: cursors[pageIndex],
      });
      events = page.events;
      nextCursor = page.nextCursor;
      error = '';
    } catch (caught) {
      if (sessionEnded(caught)) return toLogin();
      error = errorText(caught);
      events = [];
      nextCursor = null;
    }
    paint();
  };

  const apply = (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    filters = {
      actor: String(data.get('actor') ?? ''),
      action: String(data.get('action') ?? ''),
      from: String(data.get('from') ?? ''),
      to: String(data.get('to') ?? ''),
    };
    const url = new URL(location.href);
    for (const key of FILTER_KEYS) {
      const value = filters[key].trim();
      if (value) url.searchParams.set(key, value);
      else url.searchParams.delete(key);
    }
    history.replaceState(null, '', url);
    cursors = [undefined];
    pageIndex = 0;
    exportNote = '';
    void load();
  };

  const go = (step: 1 | -1) => {
    if (step === 1 && nextCursor !== null)
      cursors = [...cursors.slice(0, pageIndex + 1), nextCursor];
    else if (step === -1 && pageIndex === 0) return;
    pageIndex += step;
    void load();
  };

  /** Reads every event the filters select (up to EXPORT_MAX) and downloads them as CSV. */
  const exportCsv = async () => {
    exporting = true;
    exportNote = 'Preparing the CSV…';
    paint();
    const all: AuditEvent[] = [];
    let cursor: number | undefined;
    try {
      do {
        const page = await client.audit({ ...toQuery(filters), limit: EXPORT_PAGE, cursor });
        all.push(...page.events);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined && all.length < EXPORT_MAX);
      const rows = all.slice(0, EXPORT_MAX);
      const name = `audit-log-${new Date().toISOString().slice(0, 10)}.csv`;
      const url = URL.createObjectURL(
        new Blob([auditCsv(rows, ACTIONS)], { type: 'text/csv;charset=utf-8' }),
      );
      Object.assign(document.createElement('a'), { href: url, download: name }).click();
      setTimeout(() => URL.revokeObjectURL(url), 0);
      exportNote =
        cursor !== undefined
          ? `Downloaded the newest ${rows.length.toLocaleString()} events as ${name}: narrow the filters for older ones.`
          : `Downloaded ${rows.length.toLocaleString()} events as ${name}.`;
    } catch (caught) {
      if (sessionEnded(caught)) return toLogin();
      exportNote = `Not exported. ${errorText(caught)}`;
    } finally {
      exporting = false;
      paint();
    }
  };

  const row = (e: AuditEvent) => html`<tr>
    <td data-label="When"><time datetime=${e.at}>${localDateTime(e.at)}</time></td>
    <th scope="row" data-label="Action">${ACTIONS[e.action] ?? e.action}</th>
    <td data-label="By">${e.actor}</td>
    <td data-label="Target">${e.target ?? '—'}</td>
    <td data-label="Address">${e.ip}</td>
  </tr>`;

  const form =
    () => html`<form class="toolbar" role="search" aria-label="Filter the audit log" @submit=${apply}>
      <div class="field grow">
        <label for="audit-actor">User</label>
        <input id="audit-actor" name="actor" type="search" placeholder="Username" autocomplete="off"
          autocapitalize="off" spellcheck="false" .value=${filters.actor} />
      </div>
      <div class="field">
        <label for="audit-action">Action</label>
        <select id="audit-action" name="action">
          <option value="" ?selected=${filters.action === ''}>All</option>
          ${Object.entries(ACTIONS).map(
            ([value, label]) =>
              html`<option value=${value} ?selected=${filters.action === value}>${label}</option>`,
          )}
        </select>
      </div>
      <div class="field">
        <label for="audit-from">From</label>
        <input id="audit-from" name="from" type="date" .value=${filters.from} />
      </div>
      <div class="field">
        <label for="audit-to">To</label>
        <input id="audit-to" name="to" type="date" .value=${filters.to} />
      </div>
      <button class="button primary" type="submit">Filter</button>
      <button class="button" type="button" ?disabled=${exporting} @click=${exportCsv}>Download CSV</button>
    </form>
    <p class="status" role="status" id="audit-export-status">${exportNote}</p>`;

  const paint = () =>
    render(
      html`${form()}
        ${error ? html`<p class="notice error" role="alert">${error}</p>` : nothing}
        ${
          events.length === 0 && !error
            ? html`<p class="empty">${FILTER_KEYS.some((k) => filters[k]) ? 'No events match.' : 'No events yet.'}</p>`
            : html`<table class="listing">
              <caption class="visually-hidden">Audit events, newest first, page ${pageIndex + 1}</caption>
              <thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">By</th>
                <th scope="col">Target</th><th scope="col">Address</th></tr></thead>
              <tbody>${events.map(row)}</tbody>
            </table>`
        }
        <nav class="pager" aria-label="Pages">
          <button class="button" type="button" ?disabled=${pageIndex === 0} @click=${() => go(-1)}>Newer</button>
          <span>Page ${pageIndex + 1}</span>
          <button class="button" type="button" ?disabled=${nextCursor === null} @click=${() => go(1)}>Older</button>
        </nav>`,
      box,
    );

  box.replaceChildren();
  box.removeAttribute('aria-busy');
  await load();
}
