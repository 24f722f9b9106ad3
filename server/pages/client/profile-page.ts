import { html, nothing, render } from 'lit';
import type { User } from '../../../sdk/client/index.ts';
import '../../../sdk/elements/index.ts';
import { isRecoveryCode } from '../../../sdk/elements/error-messages.ts';
import { client, errorText, sessionEnded, toLogin } from './api.ts';
import { codeForm } from './code-form.ts';
import { localDateTime } from './dates.ts';
import { flash } from './flash.ts';
import { mountReplace } from './replace-authenticator.ts';

type Mode = 'view' | 'enroll' | 'regenerate' | 'codes' | 'disable' | 'replace';

const SESSIONS_ENDED = 'Your other sessions were ended: sign in again on your other devices.';

/**
 * My Profile: MFA status; Enable MFA through `<mfa-enroll>`; regenerate recovery codes (shown in
 * `<mfa-recovery-codes>`); disable MFA unless the company policy requires it. After each change
 * the person is told that their other sessions were ended.
 */
export async function mount(root: HTMLElement): Promise<void> {
  const box = root.querySelector<HTMLElement>('#app')!;
  const policyRequires = document.body.dataset.policyRequiresMfa === 'true';
  let user: User = (await client.me()).user;
  let mode: Mode = 'view';
  let busy = false;
  let error = '';
  let codes: string[] = [];
  /** MFA was just enabled here: the set-up shows the first recovery codes. */
  let enrolled = false;

  const set = (next: Mode) => {
    mode = next;
    enrolled = false;
    error = '';
    paint();
    if (next === 'replace') {
      // Its own steps, in their own panel; it takes the focus to its first field.
      mountReplace(box.querySelector<HTMLElement>('#replace-panel')!, {
        username: user.username,
        onDone: () => {
          flash(
            `Your authenticator was replaced: codes from the old one no longer work. ${SESSIONS_ENDED}`,
          );
          void refresh();
        },
        onCancel: () => set('view'),
      });
      return;
    }
    // The button that had focus is gone: move focus to what replaced it (a form's field, the
    // set-up's heading, or the MFA section with its new status). The new recovery codes take
    // focus to their own heading.
    if (next === 'codes') return;
    const heading = next === 'enroll' ? '#enroll-h' : '#mfa-h';
    box.querySelector<HTMLElement>(`form input, ${heading}`)?.focus();
  };

  const refresh = async () => {
    user = (await client.me()).user;
    set('view');
  };

  /** Runs a code form's call; a refused code stays in the field, selected, to be seen and retyped. */
  const act = async (code: string, call: () => Promise<void>) => {
    busy = true;
    error = '';
    paint();
    let refused = false;
    try {
      await call();
    } catch (caught) {
      if (sessionEnded(caught)) return toLogin();
      error = errorText(caught, { recovery: isRecoveryCode(code) });
      refused = true;
    } finally {
      busy = false;
      paint();
    }
    if (refused) {
      const field = box.querySelector<HTMLInputElement>('form input');
      field?.focus();
      field?.select();
    }
  };

  const enabled = async () => {
    flash(`MFA is on. ${SESSIONS_ENDED}`);
    enrolled = true;
    paint();
    user = (await client.me()).user;
    paint();
  };

  const regenerate = (code: string) =>
    act(code, async () => {
      codes = (await client.regenerateRecoveryCodes({ code })).recoveryCodes;
      flash(`New recovery codes made; the old ones no longer work. ${SESSIONS_ENDED}`);
      set('codes');
    });

  const disable = (code: string) =>
    act(code, async () => {
      await client.disableMfa({ code });
      flash(`MFA is off. ${SESSIONS_ENDED}`);
      await refresh();
    });

  const mfaPanel = () => {
    switch (mode) {
      case 'enroll':
        // Once enabled, the recovery codes replace the set-up: no set-up heading or Cancel above
        // or below them, and the status says Enabled.
        return html`<h3 id="enroll-h" tabindex="-1">${enrolled ? 'Save your recovery codes' : 'Set up MFA'}</h3>
          <mfa-enroll .client=${client} pwa-url="/app/"
            @mfa-enrolled=${() => void enabled()}
            @mfa-recovery-codes-saved=${() => void refresh()}></mfa-enroll>
          ${enrolled ? nothing : html`<button class="link" type="button" @click=${() => set('view')}>Cancel</button>`}`;
      case 'regenerate':
        return codeForm({
          id: 'regenerate',
          intro:
            'New recovery codes replace all the old ones. To confirm, type the code your authenticator app shows now, or one of your unused recovery codes if you do not have your phone.',
          submitLabel: 'Make new recovery codes',
          busy,
          error,
          onSubmit: (code) => void regenerate(code),
          onCancel: () => set('view'),
        });
      case 'codes':
        return html`<mfa-recovery-codes .codes=${codes} heading="Your new recovery codes"
          issuer=${document.body.dataset.company ?? ''} account=${user.username}
          @mfa-recovery-codes-saved=${() => void refresh()}></mfa-recovery-codes>`;
      case 'disable':
        return codeForm({
          id: 'disable',
          intro:
            'Without MFA, your password alone lets anyone sign in as you. To confirm, type the code your authenticator app shows now, or one of your unused recovery codes.',
          submitLabel: 'Disable MFA',
          danger: true,
          busy,
          error,
          onSubmit: (code) => void disable(code),
          onCancel: () => set('view'),
        });
      case 'replace':
        return html`<div id="replace-panel"></div>`;
      case 'view':
        return user.mfa.enabled ? enabledActions() : disabledActions();
    }
  };

  const enabledActions = () => html`<div class="actions">
      <button class="button" type="button" @click=${() => set('regenerate')}>Regenerate recovery codes</button>
      <button class="button" type="button" @click=${() => set('replace')}>Replace my authenticator</button>
      ${policyRequires ? nothing : html`<button class="button danger" type="button" @click=${() => set('disable')}>Disable MFA</button>`}
    </div>
    ${policyRequires ? html`<p class="muted" id="policy-note">Your company requires MFA for password sign-ins, so you cannot disable it.</p>` : nothing}`;

  const disabledActions = () => html`<p>
      MFA asks for a code from an app on your phone after your password, so a stolen password
      is not enough to sign in as you.${user.authType === 'saml' ? ' You sign in with SAML SSO: your identity provider checks who you are, so SSO sign-ins do not ask for a code, before or after you enable MFA here. Enable it once; it protects any sign-in with a password.' : ''}
    </p>
    <div class="actions">
      <button class="button primary" type="button" @click=${() => set('enroll')}>Enable MFA</button>
    </div>`;

  const paint = () =>
    render(
      html`<section class="card" aria-labelledby="account-h">
          <h2 id="account-h">Your account</h2>
          <dl class="facts">
            <dt>Name</dt><dd>${user.name}</dd>
            <dt>Username</dt><dd>${user.username}</dd>
            <dt>Authentication</dt><dd>${user.authType === 'saml' ? 'SAML SSO' : 'Password'}</dd>
          </dl>
        </section>
        <section class="card" aria-labelledby="mfa-h">
          <h2 id="mfa-h" tabindex="-1">Multi-factor authentication (MFA)</h2>
          <dl class="facts" id="mfa-status">
            <dt>Status</dt>
            <dd><span class=${`badge ${user.mfa.enabled ? 'on' : 'off'}`}>${user.mfa.enabled ? 'Enabled' : 'Disabled'}</span></dd>
            ${user.mfa.enabled && user.mfa.enrolledAt ? html`<dt>Enabled on</dt><dd id="mfa-enabled-on">${localDateTime(user.mfa.enrolledAt)}</dd>` : nothing}
            ${user.mfa.enabled ? html`<dt>Recovery codes left</dt><dd>${user.mfa.recoveryCodesLeft}</dd>` : nothing}
          </dl>
          ${mfaPanel()}
        </section>`,
      box,
    );

  box.replaceChildren();
  box.removeAttribute('aria-busy');
  paint();
}
