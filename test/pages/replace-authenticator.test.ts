import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVirtualAuthenticator } from '../../sdk/testing/index.ts';
import { answerChallenge, passwordStep } from '../e2e/support/bms-user.ts';
import { axeViolations } from '../support/a11y.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { type BmsServer, PASSWORD, startBmsServer } from './support/bms-server.ts';
import { buildBms } from './support/build-bms.ts';
import { enrolViaApi } from './support/people.ts';

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe.skipIf(!browserAvailable)(
  'BMS: replace my authenticator (lost phone)',
  { timeout: 60_000 },
  () => {
    let browser: Browser;
    let server: BmsServer;

    beforeAll(async () => {
      server = await startBmsServer({ assetsDir: await buildBms() });
      await server.addUser({ username: 'admin', role: 'admin' });
      await server.addUser({ username: 'kim' });
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('with the policy on: signs in with a recovery code, proves it with the password and another, and moves MFA to a new phone', async () => {
      const { phone: lost, recoveryCodes } = await enrolViaApi(server, 'kim');
      const admin = server.client();
      await admin.login({ username: 'admin', password: PASSWORD });
      await admin.setPolicy({ requireMfaForNonSsoUsers: true });
      const otherSession = server.client();
      server.clock.advance(30_000);
      const step = await otherSession.login({ username: 'kim', password: PASSWORD });
      if (step.status !== 'mfa_required') throw new Error(step.status);
      await otherSession.loginMfa({ challengeId: step.challengeId, code: lost.code() });

      const page = await (
        await browser.newContext({ viewport: { width: 360, height: 800 } })
      ).newPage();
      await passwordStep(page, server.origin, 'kim');
      await page.getByRole('button', { name: 'Use a recovery code' }).click();
      await answerChallenge(page, recoveryCodes[0]!);
      await expect.poll(() => text(page, '#login-step')).toContain('Replace my authenticator');
      await page.getByRole('link', { name: 'Go to My Profile' }).click();
      await page.waitForURL(`${server.origin}/profile`);
      await page.getByRole('button', { name: 'Replace my authenticator' }).click();

      // A wrong password is refused; the recovery code typed stays.
      await page.getByLabel('Password').fill('not it');
      await page
        .getByLabel('Code from your current app, or a recovery code')
        .fill(recoveryCodes[1]!);
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect.poll(() => text(page, '#replace-error')).toBe('Wrong password.');
      const found = await axeViolations(page, 'replace: proof');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Continue' }).click();

      const qr = page.locator('#replace-verify-form img.qr');
      await qr.waitFor();
      const fresh = createVirtualAuthenticator({ now: () => server.clock.now() });
      const account = fresh.addFromQrPng(await qr.screenshot());
      expect(account).toMatchObject({ label: 'kim', issuer: 'Acme BMS' });
      expect((await page.locator('.secret-key').textContent())?.replace(/\s/g, '')).toBe(
        account.secret,
      );
      // Not yet replaced: the lost phone's codes still sign in.
      server.clock.advance(30_000);
      const stillOld = await server.client().login({ username: 'kim', password: PASSWORD });
      if (stillOld.status !== 'mfa_required') throw new Error(stillOld.status);

      await page.getByLabel('Code from the new phone').fill('000000');
      await page.getByRole('button', { name: 'Replace authenticator' }).click();
      await expect.poll(() => text(page, '#replace-error')).toContain('not right');
      found.push(...(await axeViolations(page, 'replace: new key')));
      expect(found).toEqual([]);
      await page.getByLabel('Code from the new phone').fill(fresh.code());
      await page.getByRole('button', { name: 'Replace authenticator' }).click();
      await expect.poll(() => text(page, '#flash')).toContain('Your authenticator was replaced');
      expect(await text(page, '#mfa-status .badge')).toBe('Enabled');

      // The old key no longer works, the new one does; the other session ended.
      server.clock.advance(30_000);
      const client = server.client();
      const again = await client.login({ username: 'kim', password: PASSWORD });
      if (again.status !== 'mfa_required') throw new Error(again.status);
      await expect(
        client.loginMfa({ challengeId: again.challengeId, code: lost.code() }),
      ).rejects.toMatchObject({
        code: 'INVALID_CODE',
      });
      await expect(
        client.loginMfa({ challengeId: again.challengeId, code: fresh.code() }),
      ).resolves.toMatchObject({
        status: 'authenticated',
      });
      await expect(otherSession.me()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      await admin.setPolicy({ requireMfaForNonSsoUsers: false });
    });
  },
);
