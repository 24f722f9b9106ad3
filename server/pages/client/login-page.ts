import { html, nothing, render } from 'lit';
import type {
  MfaAuthenticatedDetail,
  MfaErrorDetail,
  MfaModeChangedDetail,
} from '../../../sdk/elements/index.ts';
import '../../../sdk/elements/index.ts';
import { client, errorText } from './api.ts';
import { flashNext } from './flash.ts';

/**
 * The login: the server-rendered password form, then `<mfa-challenge>` for the code or, when the
 * policy (or an admin reset) requires it, `<mfa-enroll challenge-id=…>` for the forced set-up.
 */
export function mount(root: HTMLElement): void {
  const section = root.querySelector<HTMLElement>('#login');
  const step = root.querySelector<HTMLElement>('#login-step');
  const form = root.querySelector<HTMLFormElement>('#password-form');
  if (!section || !step || !form) return;
  const next = section.dataset.next ?? '/profile';
  const error = form.querySelector<HTMLElement>('#login-error')!;
  const button = form.querySelector<HTMLButtonElement>('button[type=submit]')!;
  const passwordInput = form.querySelector<HTMLInputElement>('#password')!;
  let username = '';

  const show = (view: unknown) => {
    const box = document.createElement('div');
    step.replaceChildren(box);
    render(view, box);
    box.querySelector<HTMLElement>('h2')?.focus();
  };

  const backToPassword = () => {
    step.replaceChildren(form);
    passwordInput.value = '';
    error.textContent = '';
    passwordInput.focus();
  };

  const challengeView = (challengeId: string) => {
    let expired = false;
    let recovery = false;
    const paint = () =>
      html`<div class="stack">
        ${
          recovery
            ? html`<h2 tabindex="-1">Enter a recovery code</h2>
              <p class="muted">Signing in as <strong>${username}</strong>. Type one of the
                recovery codes you saved when you set up MFA. Each one works once.</p>`
            : html`<h2 tabindex="-1">Enter your MFA code</h2>
              <p class="muted">Signing in as <strong>${username}</strong>. Open your
                authenticator app and type the code it shows for this account, or one of your
                recovery codes.</p>`
        }
        <mfa-challenge .client=${client} challenge-id=${challengeId}
          @mfa-authenticated=${(e: CustomEvent<MfaAuthenticatedDetail>) => authenticated(e.detail)}
          @mfa-mode-changed=${(e: CustomEvent<MfaModeChangedDetail>) => {
            recovery = e.detail.recovery;
            repaint();
          }}
          @mfa-error=${onError}></mfa-challenge>
        ${expired ? html`<button class="button primary" type="button" @click=${backToPassword}>Sign in again</button>` : nothing}
        <button class="link" type="button" @click=${backToPassword}>Back to sign in</button>
      </div>`;
    const onError = (e: CustomEvent<MfaErrorDetail>) => {
      if (e.detail.code === 'CHALLENGE_EXPIRED' && !expired) {
        expired = true;
        repaint();
      }
    };
    const repaint = () => render(paint(), step.firstElementChild as HTMLElement);
    return paint();
  };

  const authenticated = ({ user, usedRecoveryCode }: MfaAuthenticatedDetail) => {
    if (!usedRecoveryCode) return location.assign(next);
    show(html`<div class="stack">
      <h2 tabindex="-1">You signed in with a recovery code</h2>
      <p class="notice warn">That recovery code is now used up and will not work again. You have
        ${user.mfa.recoveryCodesLeft} left. If you lost your phone, move MFA to a new one with
        "Replace my authenticator" in My Profile, and make new recovery codes there.</p>
      <a class="button primary" href=${next}>Continue</a>
      <a class="link" href="/profile">Go to My Profile</a>
    </div>`);
  };

  // The steps themselves are <mfa-enroll>'s: the page says only why, and once MFA is on it
  // gives way to the recovery codes instead of standing above them.
  const setupView = (challengeId: string) => {
    let enrolled = false;
    const paint = () =>
      html`<div class="stack">
        ${
          enrolled
            ? html`<h2 tabindex="-1">MFA is on: save your recovery codes</h2>`
            : html`<h2 tabindex="-1">Set up MFA to continue</h2>
              <p class="notice">Your company requires multi-factor authentication (MFA) for
                password sign-ins. You need an authenticator app on your phone, such as
                <a href="/app/" target="_blank" rel="noopener">MFA Companion</a>, Google
                Authenticator or Duo.</p>`
        }
        <mfa-enroll .client=${client} challenge-id=${challengeId} pwa-url="/app/"
          @mfa-enrolled=${() => {
            enrolled = true;
            render(paint(), step.firstElementChild as HTMLElement);
          }}
          @mfa-recovery-codes-saved=${() => {
            flashNext('MFA is on. From now on you sign in with your password and a code.');
            location.assign(next);
          }}></mfa-enroll>
        ${enrolled ? nothing : html`<button class="link" type="button" @click=${backToPassword}>Back to sign in</button>`}
      </div>`;
    return paint();
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    username = String(data.get('username') ?? '').trim();
    const password = String(data.get('password') ?? '');
    if (!username || !password) {
      error.textContent = 'Type your username and password.';
      return;
    }
    error.textContent = '';
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const result = await client.login({ username, password });
      if (result.status === 'authenticated') return location.assign(next);
      show(
        result.status === 'mfa_required'
          ? challengeView(result.challengeId)
          : setupView(result.challengeId),
      );
    } catch (caught) {
      error.textContent = errorText(caught);
      passwordInput.value = '';
      passwordInput.focus();
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
}
