import type { Page } from 'playwright-core';
import { submitPassword } from '../../pages/support/people.ts';

/** The step the login page shows after the password. */
export async function passwordStep(page: Page, origin: string, username: string) {
  await submitPassword(page, origin, username);
  await page.locator('#login-step h2').waitFor();
  return (await page.locator('#login-step h2').textContent())?.trim();
}

/** Types a code into `<mfa-challenge>` and presses Verify. */
export async function answerChallenge(page: Page, code: string): Promise<void> {
  await page.locator('mfa-challenge input').fill(code);
  await page.locator('mfa-challenge button[part="button"]').click();
}

/** Types the first code into `<mfa-enroll>` and returns the recovery codes it then shows. */
export async function enableWith(page: Page, code: string): Promise<string[]> {
  await page.locator('mfa-enroll input').fill(code);
  await page.locator('mfa-enroll button[part="button"]').click();
  await page.locator('mfa-enroll [part="code"]').first().waitFor();
  return page.locator('mfa-enroll [part="code"]').allTextContents();
}

/** Presses "I have saved them" and waits for My Profile. */
export async function savedCodes(page: Page, origin: string): Promise<void> {
  await page.locator('mfa-enroll').getByRole('button', { name: 'I have saved them' }).click();
  await page.waitForURL(`${origin}/profile`);
}

/** The header's Log out; waits for the login page. */
export async function logOut(page: Page, origin: string): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(`${origin}/login`);
}
