import type { Page } from 'playwright-core';
import { createVirtualAuthenticator } from '../../../sdk/testing/index.ts';
import { type BmsServer, PASSWORD } from './bms-server.ts';

/**
 * Turns MFA on for a password user through the API (as their own phone would), and returns the
 * virtual phone, which reads the server's clock.
 *
 * @example const phone = await enrolViaApi(server, 'ann');
 */
export async function enrolViaApi(server: BmsServer, username: string) {
  const client = server.client();
  const phone = createVirtualAuthenticator({ now: () => server.clock.now() });
  const step = await client.login({ username, password: PASSWORD });
  if (step.status !== 'authenticated') throw new Error(`${username}: ${step.status}`);
  phone.addUri((await client.startMfaSetup()).otpauthUri);
  const { recoveryCodes } = await client.enableMfa({ code: phone.code() });
  return { phone, recoveryCodes };
}

/** Fills the password step of the login page and submits it. */
export async function submitPassword(
  page: Page,
  origin: string,
  username: string,
  password = PASSWORD,
) {
  if (!page.url().startsWith(`${origin}/login`)) await page.goto(`${origin}/login`);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in a user who has no MFA (policy off) and waits for My Profile. */
export async function signIn(page: Page, origin: string, username: string) {
  await submitPassword(page, origin, username);
  await page.waitForURL(`${origin}/profile`);
  await page.locator('body[data-ready="true"]').waitFor();
}

/** Rows of the listing on the page: name, authentication and MFA column. */
export function listingRows(page: Page) {
  return page.locator('table.listing tbody tr').evaluateAll((rows) =>
    rows.map((row) => ({
      name: row.querySelector('th')?.textContent?.trim() ?? '',
      auth: row.querySelector('[data-label="Authentication"]')?.textContent?.trim() ?? '',
      mfa: row.querySelector('[data-label="MFA"]')?.textContent?.trim() ?? '',
    })),
  );
}
