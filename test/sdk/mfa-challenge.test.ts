import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVirtualAuthenticator, type VirtualAuthenticator } from '../../sdk/testing/index.ts';
import { browserAvailable } from '../support/browser.ts';
import {
  type ComponentFixture,
  loginInPage,
  mount,
  recordedEvents,
  startComponentFixture,
} from './support/component-fixture.ts';
import { PASSWORD } from './support/test-server.ts';

/** Gives a user MFA through the API (Node), returning their phone and recovery codes. */
async function enrol(fixture: ComponentFixture, username: string) {
  await fixture.server.addUser({ username });
  const client = fixture.server.client();
  await client.login({ username, password: PASSWORD });
  const phone = createVirtualAuthenticator({ now: () => fixture.server.clock.now() });
  phone.addUri((await client.startMfaSetup()).otpauthUri);
  const { recoveryCodes } = await client.enableMfa({ code: phone.code() });
  // The next login needs a later time step than the one enabling used (replay guard).
  fixture.server.clock.advance(30_000);
  return { phone, recoveryCodes };
}

describe.skipIf(!browserAvailable)('<mfa-challenge> in Chromium against the real server', () => {
  let fixture: ComponentFixture;
  let adaPhone: VirtualAuthenticator;
  let adaRecoveryCodes: string[];

  beforeAll(async () => {
    fixture = await startComponentFixture({ limits: { mfaMaxFailures: 3, lockoutMs: 120_000 } });
    ({ phone: adaPhone, recoveryCodes: adaRecoveryCodes } = await enrol(fixture, 'ada'));
  });
  afterAll(() => fixture?.close());

  /** Opens a page, runs the password step and mounts the challenge for it. */
  async function challengePage(username: string, options: { fakeClock?: boolean } = {}) {
    const { page, context } = await fixture.openPage(options);
    const step = await loginInPage(page, username);
    if (step.status !== 'mfa_required') throw new Error(step.status);
    await mount(page, `<mfa-challenge challenge-id="${step.challengeId}"></mfa-challenge>`);
    const input = page.getByLabel('MFA code');
    await input.waitFor();
    return { page, context, input, verify: page.getByRole('button', { name: 'Verify' }) };
  }

  it('shows a wrong code in an alert, then signs in with the TOTP and reports the user', async () => {
    const { page, context, input, verify } = await challengePage('ada');
    expect(await input.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await input.getAttribute('inputmode')).toBe('numeric');
    const focused = () =>
      page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.id);
    expect(await focused()).toBe('code');

    await input.fill('123456');
    await verify.click();
    const alert = page.locator('mfa-challenge [role=alert]');
    await expect.poll(() => alert.textContent()).toMatch(/not right/);
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    // The mistyped code stays in the field, selected, so typing the next one replaces it.
    expect(await input.inputValue()).toBe('123456');
    await expect
      .poll(() =>
        page.evaluate(() => {
          const field = document.querySelector('mfa-challenge')?.shadowRoot?.querySelector('input');
          return field ? [field.selectionStart, field.selectionEnd] : null;
        }),
      )
      .toEqual([0, 6]);

    // Typed with a space, as some apps show it.
    const code = adaPhone.code();
    await input.fill(`${code.slice(0, 3)} ${code.slice(3)}`);
    await verify.click();
    await expect
      .poll(() => page.locator('mfa-challenge [part=status]').textContent())
      .toBe('Signed in.');
    const events = await recordedEvents(page);
    expect(events.map((e) => e.type)).toEqual(['mfa-error', 'mfa-authenticated']);
    expect(events[0]!.detail).toMatchObject({ code: 'INVALID_CODE' });
    expect(events[1]!.detail).toMatchObject({ user: { username: 'ada' }, usedRecoveryCode: false });
    expect((await page.evaluate(() => window.sdkHarness.client.me())).user.username).toBe('ada');
    await context.close();
  });

  it('accepts a recovery code after switching to a text keyboard, and says it was used', async () => {
    const { page, context } = await challengePage('ada');
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    const input = page.getByLabel('Recovery code');
    expect(await input.getAttribute('inputmode')).toBe('text');
    await input.fill(adaRecoveryCodes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect
      .poll(async () => (await recordedEvents(page)).map((e) => e.type))
      .toEqual(['mfa-authenticated']);
    expect((await recordedEvents(page))[0]!.detail).toMatchObject({ usedRecoveryCode: true });
    await context.close();
  });

  it('says an expired challenge has expired and disables the form', async () => {
    const { page, context, input, verify } = await challengePage('ada');
    fixture.server.clock.advance(fixture.server.config.limits.challengeTtlMs + 1000);
    await input.fill(adaPhone.code());
    await verify.click();
    await expect
      .poll(() => page.locator('mfa-challenge [role=alert]').textContent())
      .toMatch(/expired/);
    expect(await input.isDisabled()).toBe(true);
    expect(await verify.isDisabled()).toBe(true);
    expect((await recordedEvents(page)).at(-1)).toMatchObject({
      type: 'mfa-error',
      detail: { code: 'CHALLENGE_EXPIRED' },
    });
    await context.close();
  });

  it('counts the lockout down from Retry-After, then lets the user in with a fresh code', async () => {
    const { phone } = await enrol(fixture, 'lou');
    const { page, context, input, verify } = await challengePage('lou', { fakeClock: true });
    // Freeze the page's clock: the countdown then moves only when the test moves it.
    await page.clock.pauseAt(Date.now() + 1000);
    const countdown = page.locator('mfa-challenge [part=countdown]');
    for (let attempt = 0; attempt < 5 && (await countdown.count()) === 0; attempt++) {
      await input.fill('000000');
      await verify.click();
      await expect.poll(async () => (await recordedEvents(page)).length).toBe(attempt + 1);
    }
    const locked = (await recordedEvents(page)).at(-1)!;
    expect(locked).toMatchObject({ type: 'mfa-error', detail: { code: 'MFA_LOCKED' } });
    expect(await page.locator('mfa-challenge [role=alert]').textContent()).toMatch(
      /Too many attempts/,
    );
    expect(await countdown.getAttribute('role')).toBe('timer');
    expect(await input.isDisabled()).toBe(true);
    expect(await verify.isDisabled()).toBe(true);

    const seconds = (text: string | null) => {
      const [, m, s] = /(\d+):(\d\d)/.exec(text ?? '') ?? [];
      return Number(m) * 60 + Number(s);
    };
    const start = seconds(await countdown.textContent());
    expect(start).toBeGreaterThan(30);
    expect(start).toBeLessThanOrEqual(120);
    await page.clock.runFor(30_000);
    await expect.poll(async () => seconds(await countdown.textContent())).toBe(start - 30);

    await page.clock.runFor((start - 30) * 1000);
    await expect.poll(() => countdown.count()).toBe(0);
    expect(await input.isDisabled()).toBe(false);
    expect(await page.locator('mfa-challenge [role=alert]').textContent()).toBe('');

    fixture.server.clock.advance(start * 1000 + 1000);
    await input.fill(phone.code());
    await verify.click();
    await expect
      .poll(async () => (await recordedEvents(page)).at(-1)?.type)
      .toBe('mfa-authenticated');
    await context.close();
  });

  it('takes its colours from custom properties and exposes parts for styling', async () => {
    const { page, context } = await challengePage('ada');
    await page.addStyleTag({
      content: `mfa-challenge { --mfa-color-accent: rgb(1, 2, 3); }
        mfa-challenge::part(input) { border-color: rgb(4, 5, 6); }`,
    });
    const style = (selector: string, property: string) =>
      page
        .locator(selector)
        .evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), property);
    expect(await style('mfa-challenge [part=button]', 'background-color')).toBe('rgb(1, 2, 3)');
    expect(await style('mfa-challenge [part=input]', 'border-top-color')).toBe('rgb(4, 5, 6)');
    await context.close();
  });
});
