import { html, nothing, render } from 'lit';
import { client, errorText, sessionEnded, toLogin } from './api.ts';
import { type Confirm, confirmDialog, syncDialog } from './confirm-dialog.ts';

/** "12 people", "1 person", "10 000 or more people". */
function people(n: number, capped: boolean): string {
  if (capped) return `${n.toLocaleString()} or more people`;
  return n === 1 ? '1 person' : `${n.toLocaleString()} people`;
}

/**
 * Admin > My Company > Auth and Provision: the "Require MFA for non-SSO users" switch, with
 * what it does spelled out next to it. Turning it on first says how many people it affects
 * (their sessions end at once) and asks to confirm; turning it off saves at once.
 */
export async function mount(root: HTMLElement): Promise<void> {
  const box = root.querySelector<HTMLElement>('#app')!;
  let on = (await client.getPolicy()).requireMfaForNonSsoUsers;
  let busy = false;
  let status = '';
  let error = '';
  let adminMustSetUp = false;
  let confirm: Confirm | null = null;
  const switchInput = () => box.querySelector<HTMLInputElement>('#require-mfa');

  // While saving, the switch ignores presses instead of being disabled: a disabled control drops
  // the keyboard focus to the page body.
  const hold = (event: Event) => {
    if (busy) event.preventDefault();
  };

  const toggle = async (event: Event) => {
    const wanted = (event.target as HTMLInputElement).checked;
    if (!wanted) return save(false);
    // Not on until confirmed: the switch shows the saved state meanwhile.
    (event.target as HTMLInputElement).checked = on;
    busy = true;
    error = '';
    status = 'Counting who this affects…';
    paint();
    let count: number;
    let capped: boolean;
    try {
      ({ usersWithoutMfa: count, capped } = await client.policyImpact());
    } catch (caught) {
      if (sessionEnded(caught)) return toLogin();
      error = `Not saved. ${errorText(caught)}`;
      status = '';
      busy = false;
      return paint();
    }
    busy = false;
    status = '';
    if (count === 0) return save(true);
    const who = people(count, capped);
    confirm = {
      title: `Require MFA for ${who}?`,
      body: `${who} who sign in with a password ${count === 1 && !capped ? 'has' : 'have'} not set MFA up. Their current sessions end now, and they must set MFA up at their next sign-in. SAML SSO users are not affected.`,
      action: 'Require MFA',
      run: async () => {
        confirm = null;
        await save(true);
      },
    };
    paint();
  };

  const cancel = () => {
    confirm = null;
    paint();
    switchInput()?.focus();
  };

  const save = async (wanted: boolean) => {
    busy = true;
    error = '';
    status = 'Saving…';
    paint();
    try {
      const result = await client.setPolicy({ requireMfaForNonSsoUsers: wanted });
      on = result.requireMfaForNonSsoUsers;
      adminMustSetUp = result.adminMustSetUp === true;
      status = on
        ? 'Saved: MFA is now required for everyone who signs in with a password.'
        : 'Saved: MFA is now optional.';
    } catch (caught) {
      if (sessionEnded(caught)) return toLogin();
      error = `Not saved. ${errorText(caught)}`;
      status = '';
    } finally {
      busy = false;
      paint();
      // Back from the confirmation (or still there): the switch keeps the focus.
      switchInput()?.focus();
    }
  };

  const paint = () => {
    render(
      html`<section class="card" aria-labelledby="mfa-policy-h">
        <h2 id="mfa-policy-h">Multi-factor authentication</h2>
        <div class="switch-row">
          <label class="switch" for="require-mfa">
            <input id="require-mfa" type="checkbox" role="switch" .checked=${on} aria-disabled=${busy ? 'true' : 'false'}
              aria-describedby="require-mfa-help" @click=${hold} @change=${toggle} />
            <span class="track" aria-hidden="true"></span>
            <span class="switch-label">Require MFA for non-SSO users</span>
          </label>
        </div>
        <div id="require-mfa-help" class="help">
          <p>When this is on, everyone who signs in with a username and password must also type a
            code from an authenticator app.</p>
          <ul>
            <li>People who have not set MFA up are asked to do it at their next sign-in, and
              their current sessions end now.</li>
            <li>Nobody can turn their own MFA off while this is on.</li>
            <li>SAML SSO users are not affected: their identity provider vouches for them.</li>
            <li>You can still reset MFA for a person (<a href="/admin/employees">Employees</a>,
              <a href="/admin/contacts">Contacts</a>); they set it up again at their next
              sign-in.</li>
          </ul>
        </div>
        <p class="status" role="status" id="policy-status">${status}</p>
        <p class="error" role="alert">${error}</p>
        ${
          adminMustSetUp
            ? html`<p class="notice warn" id="admin-must-set-up">You have not set up MFA yourself:
                you will be asked to at your next sign-in. <a href="/profile">Set it up now in My Profile</a>.</p>`
            : nothing
        }
      </section>
      ${confirmDialog(confirm, cancel)}`,
      box,
    );
    syncDialog(box, confirm !== null);
  };

  box.replaceChildren();
  box.removeAttribute('aria-busy');
  paint();
}
