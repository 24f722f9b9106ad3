import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerChallenge, passwordStep } from '../e2e/support/bms-user.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';
import { type BmsServer, startBmsServer } from './support/bms-server.ts';
import { buildBms } from './support/build-bms.ts';
import { enrolViaApi, signIn } from './support/people.ts';

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** The value and selection of the field `selector` finds, looking inside `host`'s shadow root if given. */
const field = (page: Page, selector: string, host?: string) =>
  page.evaluate(
    ([selector, host]) => {
      const root = host ? document.querySelector(host)?.shadowRoot : document;
      const input = root?.querySelector<HTMLInputElement>(selector!);
      const active = host ? root?.activeElement : document.activeElement;
      return input
        ? {
            value: input.value,
            selection: [input.selectionStart, input.selectionEnd],
            focused: active === input,
          }
        : null;
    },
    [selector, host] as const,
  );

describe.skipIf(!browserAvailable)('BMS code forms after a wrong code', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: BmsServer;

  beforeAll(async () => {
    server = await startBmsServer({ assetsDir: await buildBms() });
    for (const u of ['una', 'val', 'wes']) await server.addUser({ username: u });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function fresh(width = 360): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    return context.newPage();
  }

  it('keeps a wrong code in the profile form, selected, and names a wrong recovery code as one', async () => {
    const { phone } = await enrolViaApi(server, 'una');
    const page = await fresh();
    await passwordStep(page, server.origin, 'una');
    server.clock.advance(30_000);
    await answerChallenge(page, phone.code());
    await page.waitForURL(`${server.origin}/profile`);
    await page.getByRole('button', { name: 'Regenerate recovery codes' }).click();
    const input = page.getByLabel('Current MFA code or recovery code');
    await input.fill('123456');
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    await expect.poll(() => text(page, '#regenerate-error')).toContain('authenticator app');
    expect(await field(page, '#regenerate-code')).toEqual({
      value: '123456',
      selection: [0, 6],
      focused: true,
    });

    await input.fill('ABCD-EFGH-JKLM');
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    await expect
      .poll(() => text(page, '#regenerate-error'))
      .toContain('recovery code is not right');
    expect(await text(page, '#regenerate-error')).not.toContain('authenticator');
    expect(await field(page, '#regenerate-code')).toMatchObject({
      value: 'ABCD-EFGH-JKLM',
      selection: [0, 14],
    });
  });

  it('speaks of recovery codes in recovery mode at login: heading and errors', async () => {
    await enrolViaApi(server, 'val');
    const page = await fresh();
    expect(await passwordStep(page, server.origin, 'val')).toBe('Enter your MFA code');
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    await expect.poll(() => text(page, '#login-step h2')).toBe('Enter a recovery code');
    expect(await text(page, '#login-step p.muted')).not.toContain('authenticator');
    await answerChallenge(page, 'ZZZZ-ZZZZ-ZZZZ');
    const error = () => text(page, 'mfa-challenge [part="error"]');
    await expect.poll(error).toContain('recovery code is not right');
    expect(await error()).not.toContain('authenticator');
    expect(await field(page, 'input', 'mfa-challenge')).toMatchObject({ value: 'ZZZZ-ZZZZ-ZZZZ' });

    await page.getByRole('button', { name: 'Use a code from my authenticator app' }).click();
    await expect.poll(() => text(page, '#login-step h2')).toBe('Enter your MFA code');
  });

  it('keeps a wrong code in the set-up field, selected', async () => {
    const page = await fresh(1280);
    await signIn(page, server.origin, 'wes');
    await page.getByRole('button', { name: 'Enable MFA' }).click();
    await page.locator('mfa-enroll input').fill('000000');
    await page.locator('mfa-enroll button[part="button"]').click();
    await expect.poll(() => text(page, 'mfa-enroll [part="error"]')).toContain('not right');
    await expect
      .poll(() => field(page, 'input', 'mfa-enroll'))
      .toEqual({ value: '000000', selection: [0, 6], focused: true });
  });
});
