import { html, nothing, render } from 'lit';
import type { AuditEvent } from '../../../sdk/client/index.ts';
import { client, errorText, sessionEnded, toLogin } from './api.ts';

const PAGE_SIZE = 25;

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
  'mfa.recovery_code_used': 'Recovery code used',
  'mfa.recovery_codes_regenerated': 'Recovery codes regenerated',
  'policy.changed': 'Policy changed',
  'batch.mfa_disabled': 'MFA disabled (batch)',
  logout: 'Logged out',
};

/** The audit log for admins: newest first, with Newer/Older paging. */
export async function mount(root: HTMLElement): Promise<void> {
  const box = root.querySelector<HTMLElement>('#app')!;
  let cursors: (number | undefined)[] = [undefined];
  let pageIndex = 0;
  let events: AuditEvent[] = [];
  let nextCursor: number | null = null;
  let error = '';

  const load = async () => {
    try {
      const page = await client.audit({ limit: PAGE_SIZE, cursor: cursors[pageIndex] });
      events = page.events;
      nextCursor = page.nextCursor;
      error = '';
    } catch (caught) {
      if (sessionEnded(caught)) return toLogin();
      error = errorText(caught);
    }
    paint();
  };

  const go = (step: 1 | -1) => {
    if (step === 1 && nextCursor !== null)
      cursors = [...cursors.slice(0, pageIndex + 1), nextCursor];
    else if (step === -1 && pageIndex === 0) return;
    pageIndex += step;
    void load();
  };

  const row = (e: AuditEvent) => html`<tr>
    <td data-label="When"><time datetime=${e.at}>${new Date(e.at).toLocaleString()}</time></td>
    <th scope="row" data-label="Action">${ACTIONS[e.action] ?? e.action}</th>
    <td data-label="By">${e.actor}</td>
    <td data-label="Target">${e.target ?? '—'}</td>
    <td data-label="Address">${e.ip}</td>
  </tr>`;

  const paint = () =>
    render(
      html`${error ? html`<p class="notice error" role="alert">${error}</p>` : nothing}
        ${
          events.length === 0 && !error
            ? html`<p class="empty">No events yet.</p>`
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
