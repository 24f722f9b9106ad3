import { html, nothing, render } from 'lit';
import { client, errorText, sessionEnded, toLogin } from './api.ts';

/**
 * Admin > My Company > Auth and Provision: the "Require MFA for non-SSO users" switch, saved
 * as soon as it is flipped, with what it does spelled out next to it.
 */
export async function mount(root: HTMLElement): Promise<void> {
  const box = root.querySelector<HTMLElement>('#app')!;
  let on = (await client.getPolicy()).requireMfaForNonSsoUsers;
  let busy = false;
  let status = '';
  let error = '';
  let adminMustSetUp = false;

  // While saving, the switch ignores presses instead of being disabled: a disabled control drops
  // the keyboard focus to the page body.
  const hold = (event: Event) => {
    if (busy) event.preventDefault();
  };

  const toggle = async (event: Event) => {
    const wanted = (event.target as HTMLInputElement).checked;
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
    }
  };

  const paint = () =>
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
            <li>You can still reset MFA for a person (HR > Employees, CRM > Contacts); they set it
              up again at their next sign-in.</li>
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
      </section>`,
      box,
    );

  box.replaceChildren();
  box.removeAttribute('aria-busy');
  paint();
}
