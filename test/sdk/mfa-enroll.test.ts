import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeyUri } from '../../sdk/otp/index.ts';
import { createVirtualAuthenticator } from '../../sdk/testing/index.ts';
import { browserAvailable } from '../support/browser.ts';
import {
  type ComponentFixture,
  loginInPage,
  mount,
  recordedEvents,
  startComponentFixture,
} from './support/component-fixture.ts';
import { PASSWORD } from './support/test-server.ts';

describe.skipIf(!browserAvailable)('<mfa-enroll> in Chromium against the real server', () => {
  let fixture: ComponentFixture;

  beforeAll(async () => {
    fixture = await startComponentFixture();
    await fixture.server.addUser({ username: 'admin', role: 'admin' });
    await fixture.server.addUser({ username: 'ada' });
    await fixture.server.addUser({ username: 'bea' });
  });
  afterAll(() => fixture?.close());

  it('enrols from the profile: QR scanned from the page, Enable, recovery codes saved', async () => {
    const { page, context } = await fixture.openPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: fixture.harness.origin,
    });
    expect((await loginInPage(page, 'ada')).status).toBe('authenticated');
    // A desktop-sized page: by default the link shows on phones only.
    await mount(page, '<mfa-enroll pwa-url="/app/" add-link="always"></mfa-enroll>');

    // The phone scans the QR as rendered on screen.
    const phone = createVirtualAuthenticator({ now: () => fixture.server.clock.now() });
    const qr = page.locator('mfa-enroll img[part=qr]');
    await qr.waitFor();
    expect(await qr.getAttribute('alt')).toMatch(/QR code/);
    const account = phone.addFromQrPng(await qr.screenshot());
    expect(account.issuer).toBe('Acme BMS');

    // The manual key is hidden until asked for, then shown in groups of four.
    const toggle = page.getByRole('button', { name: 'Show secret key for manual configuration' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await expect.poll(() => page.locator('mfa-enroll [part=secret]').isVisible()).toBe(false);
    await toggle.click();
    const shown = (await page.locator('mfa-enroll [part=secret]').textContent()) ?? '';
    expect(shown).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    expect(shown.replace(/ /g, '')).toBe(account.secret);

    // "Add to this phone" carries the key URI in the fragment, for the PWA's add screen.
    const link = page.getByRole('link', { name: 'Add to this phone' });
    // A new tab, so that coming back finds the same key rather than a new set-up.
    expect(await link.getAttribute('target')).toBe('_blank');
    const href = (await link.getAttribute('href'))!;
    expect(href.startsWith('/app/#/add?uri=')).toBe(true);
    const uri = decodeURIComponent(href.slice('/app/#/add?uri='.length));
    expect(parseKeyUri(uri)).toEqual(account);

    // A wrong code is refused in place.
    const input = page.getByLabel('Verify MFA Code');
    expect(await input.getAttribute('autocomplete')).toBe('one-time-code');
    await input.fill('000000');
    await page.getByRole('button', { name: 'Enable' }).click();
    await expect
      .poll(() => page.locator('mfa-enroll [part=error]').textContent())
      .toMatch(/not right/);
    expect(await input.getAttribute('aria-invalid')).toBe('true');

    await input.fill(phone.code());
    await page.getByRole('button', { name: 'Enable' }).click();
    const codes = page.locator('mfa-enroll mfa-recovery-codes [part=code]');
    await codes.first().waitFor();
    const recoveryCodes = await codes.allInnerTexts();
    // The focus moves from the removed Enable button to the codes' heading.
    const focusedHeading = await page.evaluate(
      () =>
        document.activeElement?.shadowRoot?.activeElement?.shadowRoot?.activeElement?.textContent,
    );
    expect(focusedHeading).toBe('Recovery codes');
    // The nested list's parts are re-exported, so the page can style the codes.
    await page.addStyleTag({ content: 'mfa-enroll::part(code) { color: rgb(7, 8, 9); }' });
    expect(await codes.first().evaluate((el) => getComputedStyle(el).color)).toBe('rgb(7, 8, 9)');
    expect(recoveryCodes.length).toBe(fixture.server.config.limits.recoveryCodeCount);

    // Download gives a .txt with every code; Copy puts them on the clipboard.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download' }).click(),
    ]);
    // Named for the key's issuer and account, and the day.
    expect(download.suggestedFilename()).toMatch(
      /^Acme-BMS-recovery-codes-ada-\d{4}-\d\d-\d\d\.txt$/,
    );
    const text = await readFile((await download.path())!, 'utf8');
    for (const code of recoveryCodes) expect(text).toContain(code);
    await page.getByRole('button', { name: 'Copy' }).click();
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toBe(recoveryCodes.join('\n'));
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/Copied/);

    await page.getByRole('button', { name: 'I have saved them' }).click();
    await expect
      .poll(() => page.locator('mfa-enroll [part=status]').textContent())
      .toBe('MFA is on.');
    const events = await recordedEvents(page);
    expect(events.map((e) => e.type)).toEqual([
      'mfa-error',
      'mfa-enrolled',
      'mfa-recovery-codes-saved',
    ]);
    expect(events[0]!.detail).toEqual({
      code: 'INVALID_CODE',
      message: expect.stringMatching(/not right/),
    });
    expect(events[1]!.detail).toEqual({ user: null });

    // What the page showed is what the server stored: a shown recovery code signs ada in.
    const client = fixture.server.client();
    const step = await client.login({ username: 'ada', password: PASSWORD });
    if (step.status !== 'mfa_required') throw new Error(step.status);
    const result = await client.loginMfa({
      challengeId: step.challengeId,
      code: recoveryCodes[0]!,
    });
    expect(result.usedRecoveryCode).toBe(true);
    await context.close();
  });

  it('finishes the forced set-up at login with the manually typed key, and signs the user in', async () => {
    const admin = fixture.server.client();
    await admin.login({ username: 'admin', password: PASSWORD });
    await admin.setPolicy({ requireMfaForNonSsoUsers: true });

    const { page, context } = await fixture.openPage();
    const step = await loginInPage(page, 'bea');
    if (step.status !== 'mfa_setup_required') throw new Error(step.status);
    await mount(page, `<mfa-enroll challenge-id="${step.challengeId}"></mfa-enroll>`);
    await page.getByRole('button', { name: 'Show secret key for manual configuration' }).click();
    const secret = ((await page.locator('mfa-enroll [part=secret]').textContent()) ?? '').replace(
      / /g,
      '',
    );
    const phone = createVirtualAuthenticator({ now: () => fixture.server.clock.now() });
    phone.addUri(`otpauth://totp/Acme%20BMS:bea?secret=${secret}&issuer=Acme%20BMS`);

    await page.getByLabel('Verify MFA Code').fill(phone.code());
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.locator('mfa-enroll mfa-recovery-codes [part=code]').first().waitFor();
    const [enrolled] = await recordedEvents(page);
    expect(enrolled).toMatchObject({
      type: 'mfa-enrolled',
      detail: { user: { username: 'bea', mfa: { enabled: true } } },
    });
    // The session cookie is in the browser now.
    const me = await page.evaluate(() => window.sdkHarness.client.me());
    expect(me.user.username).toBe('bea');
    await admin.setPolicy({ requireMfaForNonSsoUsers: false });
    await context.close();
  });

  it('offers Start again when the pending key expired, and shows a new key', async () => {
    await fixture.server.addUser({ username: 'cal' });
    const { page, context } = await fixture.openPage();
    await loginInPage(page, 'cal');
    await mount(page, '<mfa-enroll></mfa-enroll>');
    const secret = page.locator('mfa-enroll [part=secret]');
    await page.locator('mfa-enroll img[part=qr]').waitFor();
    const first = await secret.textContent();
    fixture.server.clock.advance(fixture.server.config.limits.enrolmentTtlMs + 1000);
    const phone = createVirtualAuthenticator({ now: () => fixture.server.clock.now() });
    phone.addUri(`otpauth://totp/x?secret=${(first ?? '').replace(/ /g, '')}`);
    await page.getByLabel('Verify MFA Code').fill(phone.code());
    await page.getByRole('button', { name: 'Enable' }).click();
    await expect
      .poll(() => page.locator('mfa-enroll [part=error]').textContent())
      .toMatch(/expired/);
    expect((await recordedEvents(page)).at(-1)?.detail).toMatchObject({
      code: 'ENROLMENT_NOT_STARTED',
    });
    await page.getByRole('button', { name: 'Start again' }).click();
    await expect.poll(() => secret.textContent()).not.toBe(first);
    expect(await page.getByLabel('Verify MFA Code').isDisabled()).toBe(false);
    await context.close();
  });

  it('shows the login set-up as expired when the challenge is over, without a retry button', async () => {
    const { page, context } = await fixture.openPage();
    await mount(page, '<mfa-enroll challenge-id="not-a-real-challenge"></mfa-enroll>');
    await expect
      .poll(() => page.locator('mfa-enroll [part=error]').textContent())
      .toMatch(/expired/);
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
    expect((await recordedEvents(page))[0]).toMatchObject({
      type: 'mfa-error',
      detail: { code: 'CHALLENGE_EXPIRED' },
    });
    await context.close();
  });

  it('renders the QR through the sanitizer: no script, handlers, links or foreign content survive', async () => {
    const { page, context } = await fixture.openPage();
    const hostile = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 21 21" onload="alert(1)">
      <script>alert(1)</script><style>*{}</style>
      <a href="javascript:alert(1)"><path d="M0 0h7" stroke="#000"/></a>
      <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
      <path d="M0 0.5h7" stroke="#000" onclick="alert(1)" fill="url(https://evil.example/x)"/>
      <use xlink:href="#a"/><image href="https://evil.example/i.png"/>
    </svg>`;
    const url = (await page.evaluate((svg) => window.sdkHarness.sanitizeQrSvg(svg), hostile))!;
    expect(url.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true);
    const kept = decodeURIComponent(url.slice(url.indexOf(',') + 1));
    for (const bad of [
      'script',
      'onload',
      'onclick',
      'style',
      'href',
      'foreignObject',
      'evil',
      '<a',
      '<use',
      '<image',
    ]) {
      expect(kept).not.toContain(bad);
    }
    expect(kept).toContain('<path d="M0 0.5h7" stroke="#000"/>');
    expect(
      await page.evaluate(() =>
        window.sdkHarness.sanitizeQrSvg('<html><body>not svg</body></html>'),
      ),
    ).toBeNull();
    expect(await page.evaluate(() => window.sdkHarness.sanitizeQrSvg('<svg'))).toBeNull();
    await context.close();
  });
});
