// @ts-check
// A Playwright test of the BMS pages that plays the user's phone with the virtual authenticator:
// sign in, turn MFA on from My Profile by reading the QR off the page, log out, and sign in again
// with a code. Runs with Node's test runner and playwright-core against a running server:
//
//   BMS_URL=http://127.0.0.1:8787 BMS_USER=bob@demo.test BMS_PASSWORD=demo-password \
//     CHROMIUM_PATH=/usr/bin/chromium node --test playwright/
//
// (The same steps work in @playwright/test: its `page` is what `authenticatorFromPage` takes.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { authenticatorFromPage } from 'mfa-companion/testing';
import { chromium } from 'playwright-core';

const origin = process.env.BMS_URL ?? 'http://127.0.0.1:8787';
const username = process.env.BMS_USER ?? 'bob@demo.test';
const password = process.env.BMS_PASSWORD ?? 'demo-password';

/** @type {import('playwright-core').Browser} */
let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH,
    // Root in a container needs --no-sandbox; pass it through CHROMIUM_ARGS there.
    args: process.env.CHROMIUM_ARGS?.split(' ').filter(Boolean) ?? [],
  });
});
after(() => browser?.close());

/** @param {import('playwright-core').Page} page */
async function submitPassword(page) {
  await page.goto(`${origin}/login`);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('turns MFA on by scanning the QR, then signs in with a code', async () => {
  const page = await browser.newPage();
  await submitPassword(page);
  await page.waitForURL(`${origin}/profile`);

  await page.getByRole('button', { name: 'Enable MFA' }).click();
  const phone = await authenticatorFromPage(page, { selector: 'mfa-enroll img' });
  await page.locator('mfa-enroll input').fill(phone.code());
  await page.locator('mfa-enroll button[part="button"]').click();
  await page.locator('mfa-enroll [part="code"]').first().waitFor();
  const recoveryCodes = await page.locator('mfa-enroll [part="code"]').allTextContents();
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await page.waitForURL(`${origin}/profile`);

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(`${origin}/login`);
  await submitPassword(page);
  // The code of the next time step: the one just used to enable MFA is refused as a replay.
  await page.locator('mfa-challenge input').fill(phone.nextCode());
  await page.locator('mfa-challenge button[part="button"]').click();
  await page.waitForURL(`${origin}/profile`);
  assert.ok(recoveryCodes.length > 0);
  await page.close();
});
