import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerChallenge, passwordStep } from '../e2e/support/bms-user.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { type BmsServer, PASSWORD, startBmsServer } from './support/bms-server.ts';
import { buildBms } from './support/build-bms.ts';
import { enrolViaApi, signIn } from './support/people.ts';

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe.skipIf(!browserAvailable)(
  'BMS pages after a change ended the sign-in',
  { timeout: 60_000 },
  () => {
    let browser: Browser;
    let server: BmsServer;
    let admin: ReturnType<BmsServer['client']>;
    const ids: Record<string, number> = {};

    beforeAll(async () => {
      server = await startBmsServer({ assetsDir: await buildBms() });
      await server.addUser({ username: 'admin', role: 'admin' });
      for (const u of ['rita', 'sam', 'tom']) ids[u] = await server.addUser({ username: u });
      admin = server.client();
      await admin.login({ username: 'admin', password: PASSWORD });
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    async function fresh(): Promise<Page> {
      const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
      return context.newPage();
    }

    it('sends the next page load to the login, saying the MFA changed, after an admin reset', async () => {
      const { phone } = await enrolViaApi(server, 'rita');
      const page = await fresh();
      await passwordStep(page, server.origin, 'rita');
      server.clock.advance(30_000);
      await answerChallenge(page, phone.code());
      await page.waitForURL(`${server.origin}/profile`);
      // The profile's own reads done first: one landing after the reset would meet the ended
      // session itself and take the notice to /login before the reload below.
      await page.locator('body[data-ready="true"]').waitFor();

      await admin.resetUserMfa(ids.rita!);
      await page.reload();
      await page.waitForURL((url) => url.pathname === '/login');
      expect(await text(page, '#login-ended')).toContain(
        'You were signed out because your MFA changed',
      );
      // Said once: the dead cookie is gone, a later visit is a plain login.
      await page.reload();
      await page.locator('body[data-ready="true"]').waitFor();
      expect(await page.locator('#login-ended').count()).toBe(0);
    });

    it('says so too when the page itself meets the ended session (a button pressed)', async () => {
      const { phone } = await enrolViaApi(server, 'sam');
      const page = await fresh();
      await passwordStep(page, server.origin, 'sam');
      server.clock.advance(30_000);
      await answerChallenge(page, phone.code());
      await page.waitForURL(`${server.origin}/profile`);
      await page.locator('#mfa-status').waitFor();

      await admin.resetUserMfa(ids.sam!);
      await page.getByRole('button', { name: 'Regenerate recovery codes' }).click();
      server.clock.advance(30_000);
      await page.getByLabel('Current MFA code or recovery code').fill(phone.code());
      await page.getByRole('button', { name: 'Make new recovery codes' }).click();
      await page.waitForURL((url) => url.pathname === '/login');
      expect(await text(page, '#login-ended')).toContain('because your MFA changed');
    });

    it('says the company now requires MFA when the policy ended the sign-in', async () => {
      const page = await fresh();
      await signIn(page, server.origin, 'tom');
      await admin.setPolicy({ requireMfaForNonSsoUsers: true });
      await page.reload();
      await page.waitForURL((url) => url.pathname === '/login');
      expect(await text(page, '#login-ended')).toContain('your company now requires MFA');
      await admin.setPolicy({ requireMfaForNonSsoUsers: false });
    });
  },
);
