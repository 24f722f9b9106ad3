// @ts-check
// The login page of a site on the same origin as the MFA Companion server (its session cookie is
// HttpOnly and SameSite): the password step through the client, then the elements for the code.
import { createMfaClient, MfaApiError } from 'mfa-companion/client';
import 'mfa-companion/elements';

const client = createMfaClient();
const form = /** @type {HTMLFormElement} */ (document.getElementById('password'));
const message = /** @type {HTMLElement} */ (document.getElementById('message'));
const secondStep = /** @type {HTMLElement} */ (document.getElementById('second-step'));
const home = () => location.assign('/');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  message.textContent = '';
  try {
    const result = await client.login({
      username: String(data.get('username')),
      password: String(data.get('password')),
    });
    if (result.status === 'authenticated') return home();
    // mfa_required: ask for the code; mfa_setup_required: enrol first (the QR, then a code).
    const element = document.createElement(
      result.status === 'mfa_required' ? 'mfa-challenge' : 'mfa-enroll',
    );
    element.client = client;
    element.setAttribute('challenge-id', result.challengeId);
    form.hidden = true;
    secondStep.replaceChildren(element);
  } catch (error) {
    message.textContent = error instanceof MfaApiError ? error.message : 'Could not sign in.';
  }
});

// The elements' events bubble, so the container hears them (and knows their detail types).
secondStep.addEventListener('mfa-authenticated', (event) => {
  if (event.detail.usedRecoveryCode)
    alert('You used a recovery code: make new ones in your profile.');
  home();
});
secondStep.addEventListener('mfa-recovery-codes-saved', home);
