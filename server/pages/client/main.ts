// The BMS pages' one entry: shared chrome (log out, notices), then the module of this page,
// loaded lazily so the login page does not carry the admin listings.
import './styles.css';
import { client, errorText, sessionEnded } from './api.ts';
import { flash, flashNext, showQueuedFlash } from './flash.ts';

const pages: Record<string, () => Promise<{ mount(root: HTMLElement): void | Promise<void> }>> = {
  login: () => import('./login-page.ts'),
  profile: () => import('./profile-page.ts'),
  policy: () => import('./policy-page.ts'),
  users: () => import('./users-page.ts'),
  audit: () => import('./audit-page.ts'),
};

async function logout(): Promise<void> {
  try {
    await client.logout();
  } finally {
    flashNext('You are logged out.');
    location.assign('/login');
  }
}

async function start(): Promise<void> {
  showQueuedFlash();
  document.querySelector('[data-action="logout"]')?.addEventListener('click', () => void logout());
  const load = pages[document.body.dataset.page ?? ''];
  if (!load) return;
  const root = document.getElementById('main');
  if (!root) return;
  try {
    await (await load()).mount(root);
    // Auth and Provision also holds the SAML IdP settings (their own module).
    if (root.querySelector('#sso-settings')) await (await import('./sso-settings.ts')).mount(root);
  } catch (error) {
    if (sessionEnded(error)) {
      flashNext('Your session has ended. Please sign in again.');
      location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
      return;
    }
    // The page's data could not be loaded: say so where the content would be.
    root.querySelector('#app')?.removeAttribute('aria-busy');
    flash(`This page could not be loaded: ${errorText(error)} Reload to try again.`, 'error');
    document.body.dataset.ready = 'error';
    return;
  }
  document.body.dataset.ready = 'true';
}

void start();
