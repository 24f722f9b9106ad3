import type { CDPSession, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { generateCode, parseKeyUri } from '../../sdk/otp/index.ts';
import { axeViolations, setTextSize, sidewaysScrollers } from '../support/a11y.ts';
import { browserAvailable } from '../support/browser.ts';
import { useAppBrowser } from './support/app-browser.ts';
import { confirmAdd, openContext, pasteKey, shownCodes } from './support/app-page.ts';
import { heapStrings, secretsInPage } from './support/secrets-search.ts';

const uris = [
  'otpauth://totp/ACME:zelda.lockwood@acme.test?secret=JBSWY3DPEHPK3PXP&issuer=ACME',
  'otpauth://totp/Globex:quentin.vault@globex.test?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Globex&digits=8',
];
const PASS = 'correct horse battery staple';

/** The secrets, the names and every code of the step before, now and after, for both accounts. */
function secretsAndCodes(): string[] {
  const now = Date.now();
  return uris.flatMap((uri) => {
    const account = parseKeyUri(uri);
    return [
      account.secret,
      account.label,
      ...[-30_000, 0, 30_000].map((d) => generateCode(account, now + d)),
    ];
  });
}

/** WebAuthn needs a secure context with a valid RP ID: `localhost`, not an IP address. */
function localhostUrl(url: string): string {
  return url.replace('127.0.0.1', 'localhost');
}

async function turnOnLock(page: Page, url: string): Promise<void> {
  await page.goto(`${url}#/settings`);
  await page.getByLabel('New passphrase', { exact: true }).fill(PASS);
  await page.getByLabel('New passphrase again').fill(PASS);
  await page.getByRole('button', { name: 'Turn on app lock' }).click();
  await expect
    .poll(() => page.locator('[data-testid="lock-done"]').textContent(), { timeout: 30_000 })
    .toMatch(/^App lock is on/);
}

/** A page on localhost with the two accounts stored and the lock turned on (still unlocked). */
async function lockedVault(browser: Parameters<typeof openContext>[0], url: string) {
  const opened = await openContext(browser);
  await pasteKey(opened.page, url, uris.join('\n'));
  await confirmAdd(opened.page);
  await turnOnLock(opened.page, url);
  return opened;
}

async function unlock(page: Page, passphrase: string): Promise<void> {
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByTestId('unlock').click();
}

/** Types a wrong passphrase and returns what the alert then says. */
async function wrongAttempt(page: Page, passphrase: string): Promise<string> {
  const field = page.getByLabel('Passphrase', { exact: true });
  await unlock(page, passphrase);
  // The field is emptied once the answer is known.
  await expect.poll(() => field.inputValue(), { timeout: 15_000 }).toBe('');
  return (await page.locator('lock-screen [role="alert"]').textContent()) ?? '';
}

const lockScreen = (page: Page) => page.getByRole('heading', { name: 'MFA Companion is locked' });

async function virtualAuthenticator(page: Page, hasPrf: boolean): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
      hasPrf,
    },
  });
  return cdp;
}

describe.skipIf(!browserAvailable)('PWA: app lock', { timeout: 120_000 }, () => {
  const env = useAppBrowser();

  it('when locked shows no code, and nothing secret is in the DOM, IndexedDB, caches or heap', async () => {
    const url = localhostUrl(env.app.url);
    const { context, page, errors } = await lockedVault(env.browser, url);
    await page.goto(`${url}#/`);
    expect(await shownCodes(page)).toHaveLength(2);
    await page.evaluate(async () => navigator.serviceWorker.ready);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('button', { name: 'Lock now' }).click();
    await lockScreen(page).waitFor();
    expect(await page.locator('account-card').count()).toBe(0);
    expect(await page.getByRole('navigation').count()).toBe(0);
    // Focus is in the labelled passphrase field.
    expect(
      await page.getByLabel('Passphrase', { exact: true }).evaluate((el) => el.matches(':focus')),
    ).toBe(true);
    const needles = secretsAndCodes();
    expect(await secretsInPage(page, needles)).toEqual([]);
    const heap = await heapStrings(page);
    // The passphrase typed in Settings is gone too.
    expect(
      [...needles, PASS].flatMap((n) =>
        heap.filter((s) => s.includes(n)).map((s) => s.slice(0, 300)),
      ),
    ).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('refuses wrong passphrases with a growing delay that a reload keeps, then unlocks offline', async () => {
    const url = localhostUrl(env.app.url);
    const { context, page, errors } = await lockedVault(env.browser, url);
    // The lock screen is a lazily loaded chunk: the precache must hold it.
    await page.evaluate(async () => navigator.serviceWorker.ready);
    await context.setOffline(true);
    await page.reload();
    await lockScreen(page).waitFor();
    const button = page.getByTestId('unlock');
    for (let i = 1; i <= 3; i++) {
      expect(await wrongAttempt(page, `wrong passphrase ${i}`)).toBe('Wrong passphrase.');
      expect(await button.isEnabled()).toBe(true);
    }
    expect(await wrongAttempt(page, 'wrong passphrase 4')).toBe(
      'Wrong passphrase. Wait 2 seconds before the next try.',
    );
    expect(await button.isDisabled()).toBe(true);
    expect(await button.textContent()).toMatch(/Unlock \(wait [12] s\)/);
    await expect.poll(() => button.isEnabled(), { timeout: 5000 }).toBe(true);
    expect(await wrongAttempt(page, 'wrong passphrase 5')).toBe(
      'Wrong passphrase. Wait 4 seconds before the next try.',
    );
    // A reload does not skip the wait.
    await page.goto(`${url}#/`);
    await page.reload();
    await lockScreen(page).waitFor();
    await expect.poll(() => button.textContent()).toMatch(/Unlock \(wait [1-4] s\)/);
    expect(await button.isDisabled()).toBe(true);
    await expect.poll(() => button.isEnabled(), { timeout: 6000 }).toBe(true);
    await unlock(page, PASS);
    await expect
      .poll(() => shownCodes(page))
      .toEqual(uris.map((uri) => generateCode(parseKeyUri(uri), Date.now())));
    expect(await page.getByRole('navigation').count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('locks the other tabs too, and after the idle time', async () => {
    const url = localhostUrl(env.app.url);
    const { context, page, errors } = await lockedVault(env.browser, url);
    await page.goto(`${url}#/`);
    const other = await context.newPage();
    await other.goto(`${url}#/`);
    await lockScreen(other).waitFor();
    await unlock(other, PASS);
    expect(await shownCodes(other)).toHaveLength(2);
    await page.goto(`${url}#/settings`);
    await page.getByRole('button', { name: 'Lock now' }).click();
    await lockScreen(other).waitFor();
    expect(await other.locator('account-card').count()).toBe(0);
    expect(await secretsInPage(other, secretsAndCodes())).toEqual([]);
    // Idle: a minute without input locks.
    await other.close();
    await unlock(page, PASS);
    await page.clock.install();
    await page.getByLabel('Lock automatically').selectOption('1');
    // The idle time counts from when it is stored and in force, which the page says.
    await page
      .getByRole('status')
      .filter({ hasText: 'Saved: the app locks after 1 minute idle.' })
      .waitFor();
    await page.clock.fastForward(30_000);
    expect(await lockScreen(page).count()).toBe(0);
    await page.clock.fastForward(35_000);
    await lockScreen(page).waitFor();
    // Lock when hidden. Headless Chromium never hides a page (another tab in front, a minimised
    // window: both stay 'visible'), so the page is told what a browser would say when it goes
    // to the background.
    await unlock(page, PASS);
    await page.getByLabel('Lock when the app is hidden').check();
    // The box is ticked at once; the choice is in force only once the page says it is saved.
    await page
      .getByRole('status')
      .filter({ hasText: 'Saved: the app locks as soon as it is hidden.' })
      .waitFor();
    await page.clock.fastForward(1000);
    expect(await lockScreen(page).count()).toBe(0);
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => 'hidden',
      });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await lockScreen(page).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('locks a tab that was open without a lock when another tab sets one', async () => {
    const url = localhostUrl(env.app.url);
    const { context, page, errors } = await openContext(env.browser);
    await pasteKey(page, url, uris.join('\n'));
    await confirmAdd(page);
    const other = await context.newPage();
    await other.goto(`${url}#/`);
    expect(await shownCodes(other)).toHaveLength(2);
    await turnOnLock(page, url);
    // Its key in memory is no longer the vault's: it opens the vault again, locked.
    await lockScreen(other).waitFor();
    expect(await other.locator('account-card').count()).toBe(0);
    await unlock(other, PASS);
    expect(await shownCodes(other)).toHaveLength(2);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('unlocks with a passkey where the authenticator has PRF, the passphrase still working', async () => {
    const url = localhostUrl(env.app.url);
    const { context, page, errors } = await lockedVault(env.browser, url);
    await virtualAuthenticator(page, true);
    await page.getByLabel('Passphrase, to add a passkey').fill(PASS);
    await page.getByRole('button', { name: 'Add passkey unlock' }).click();
    await expect
      .poll(() => page.locator('[data-testid="lock-done"]').textContent(), { timeout: 30_000 })
      .toBe('Passkey unlock is on.');
    await page.getByRole('button', { name: 'Lock now' }).click();
    await lockScreen(page).waitFor();
    await page.getByRole('button', { name: 'Unlock with passkey' }).click();
    await expect.poll(() => page.locator('settings-page h2').first().textContent()).toBe('Vault');
    // And after a reload, from the lock screen it opens with.
    await page.goto(`${url}#/`);
    await page.reload();
    await lockScreen(page).waitFor();
    await page.getByRole('button', { name: 'Unlock with passkey' }).click();
    expect(await shownCodes(page)).toHaveLength(2);
    // The passphrase remains the fallback.
    await page.goto(`${url}#/settings`);
    await page.getByRole('button', { name: 'Lock now' }).click();
    await unlock(page, PASS);
    await expect.poll(() => page.locator('settings-page h2').first().textContent()).toBe('Vault');
    // Removed, the passkey no longer unlocks: the lock screen offers the passphrase only.
    await page.getByRole('button', { name: 'Remove passkey unlock' }).click();
    await expect
      .poll(() => page.locator('[data-testid="lock-done"]').textContent())
      .toMatch(/^Passkey unlock is off/);
    await page.getByRole('button', { name: 'Lock now' }).click();
    await lockScreen(page).waitFor();
    await page.getByLabel('Passphrase', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Unlock with passkey' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says passkey unlock is unavailable where the authenticator lacks PRF, and the passphrase unlocks', async () => {
    const url = localhostUrl(env.app.url);
    const { context, page, errors } = await lockedVault(env.browser, url);
    await virtualAuthenticator(page, false);
    await page.getByLabel('Passphrase, to add a passkey').fill(PASS);
    await page.getByRole('button', { name: 'Add passkey unlock' }).click();
    await expect
      .poll(() => page.locator('app-lock-settings [role="alert"]').textContent(), {
        timeout: 30_000,
      })
      .toMatch(/^This passkey cannot unlock the app: its authenticator lacks the PRF extension/);
    await page.getByRole('button', { name: 'Lock now' }).click();
    await lockScreen(page).waitFor();
    expect(await page.getByRole('button', { name: 'Unlock with passkey' }).count()).toBe(0);
    await unlock(page, PASS);
    await expect.poll(() => page.locator('settings-page h2').first().textContent()).toBe('Vault');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says passkey unlock is unavailable on an IP address, where no passkey can exist', async () => {
    const { context, page, errors } = await lockedVault(env.browser, env.app.url);
    await expect
      .poll(() => page.getByTestId('passkey-unavailable').textContent())
      .toMatch(/^Not available: this browser cannot unlock with a passkey/);
    expect(await page.getByRole('button', { name: 'Add passkey unlock' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('changes and then removes the passphrase; the accounts stay readable throughout', async () => {
    const url = localhostUrl(env.app.url);
    const { context, page, errors } = await lockedVault(env.browser, url);
    const next = 'a different passphrase entirely';
    await page.getByLabel('Current passphrase').fill(PASS);
    await page.getByLabel('New passphrase', { exact: true }).fill(next);
    await page.getByLabel('New passphrase again').fill(next);
    await page.getByRole('button', { name: 'Change passphrase' }).click();
    await expect
      .poll(() => page.locator('[data-testid="lock-done"]').textContent(), { timeout: 30_000 })
      .toBe('Passphrase changed.');
    await page.reload();
    await unlock(page, next);
    await page.getByLabel('Passphrase, to turn the lock off').fill(next);
    await page.getByRole('button', { name: 'Turn off app lock' }).click();
    await expect
      .poll(() => page.locator('[data-testid="lock-done"]').textContent(), { timeout: 30_000 })
      .toMatch(/^App lock is off/);
    await page.goto(`${url}#/`);
    await page.reload();
    expect(await shownCodes(page)).toHaveLength(2);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('has an accessible lock screen and App lock section, whole at 320 px and 200 percent text', async () => {
    const url = localhostUrl(env.app.url);
    const { context, page } = await lockedVault(env.browser, url);
    const found = await axeViolations(page, 'settings: app lock on');
    await page.getByRole('button', { name: 'Lock now' }).click();
    await lockScreen(page).waitFor();
    found.push(...(await axeViolations(page, 'lock screen')));
    expect(found).toEqual([]);
    await page.setViewportSize({ width: 320, height: 740 });
    await setTextSize(page, 32);
    expect(await sidewaysScrollers(page)).toEqual([]);
    await unlock(page, PASS);
    await page.locator('app-lock-settings select').waitFor();
    expect(await sidewaysScrollers(page)).toEqual([]);
    await context.close();
  });
});
