/**
 * `readQrFromPage` / `authenticatorFromPage` (sdk/testing) in real Chromium: fixture pages with
 * the QR as an inline SVG, a PNG `<img>` in a shadow root, an SVG only a browser can draw, a QR
 * arriving late and none at all; then the BMS enrolment page itself.
 */
import type { Browser, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCode, parseKeyUri } from '../../sdk/otp/index.ts';
import {
  authenticatorFromPage,
  createVirtualAuthenticator,
  readQrFromPage,
} from '../../sdk/testing/index.ts';
import { type BmsServer, startBmsServer } from '../pages/support/bms-server.ts';
import { buildBms } from '../pages/support/build-bms.ts';
import { signIn } from '../pages/support/people.ts';
import { browserAvailable, launchChromium } from '../support/browser.ts';

const uri =
  'otpauth://totp/Acme%20BMS:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=Acme%20BMS';
const at = Date.parse('2025-03-04T05:06:07Z');
/** An icon of the kind pages are full of, which the scanner must pass over. */
const icon =
  '<svg viewBox="0 0 24 24" width="24" height="24"><rect x="4" y="4" width="16" height="16"/></svg>';

/** The QR as one filled path of unit squares, as other QR libraries draw it (no stroke). */
function filledPathSvg(text: string): string {
  const { modules } = QRCode.create(text, {});
  let d = '';
  for (let y = 0; y < modules.size; y++) {
    for (let x = 0; x < modules.size; x++) if (modules.get(x, y)) d += `M${x + 4} ${y + 4}h1v1h-1z`;
  }
  const size = modules.size + 8;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="${size * 5}" height="${size * 5}"><rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`;
}

describe.skipIf(!browserAvailable)('readQrFromPage in Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('reads an inline SVG among icons and gives an authenticator with its account', async () => {
    const svg = await QRCode.toString(uri, { type: 'svg', width: 200 });
    await page.setContent(`<main>${icon}<h1>Scan</h1>${svg}${icon}</main>`);
    const phone = await authenticatorFromPage(page, { now: () => at });
    expect(phone.accounts).toEqual([parseKeyUri(uri)]);
    expect(phone.code()).toBe(generateCode(parseKeyUri(uri), at));
  });

  it('reads a PNG <img> inside an open shadow root, from a screenshot', async () => {
    const png = await QRCode.toDataURL(uri, { width: 240 });
    await page.setContent(
      `<qr-card></qr-card><script>
        document.querySelector('qr-card').attachShadow({ mode: 'open' }).innerHTML =
          '<p>Scan me</p><img alt="QR" src="${png}">';
      </script>`,
    );
    expect(await readQrFromPage(page)).toBe(uri);
  });

  it('falls back to the browser’s drawing for an SVG its own rasteriser cannot read', async () => {
    await page.setContent(`<div>${filledPathSvg(uri)}</div>`);
    expect(await readQrFromPage(page, { selector: 'svg' })).toBe(uri);
  });

  it('waits for a QR that appears after the page asked for it, and adds to a given authenticator', async () => {
    const other = 'otpauth://totp/Other:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBV&issuer=Other';
    const svg = await QRCode.toString(uri, { type: 'svg', width: 200 });
    await page.setContent(
      `<button>Enable</button><div id="slot"></div><script>
        document.querySelector('button').onclick = () => setTimeout(() => {
          document.getElementById('slot').innerHTML = ${JSON.stringify(svg)};
        }, 300);
      </script>`,
    );
    await page.getByRole('button', { name: 'Enable' }).click();
    const phone = createVirtualAuthenticator();
    phone.addUri(other);
    expect(await authenticatorFromPage(page, { authenticator: phone })).toBe(phone);
    expect(phone.accounts.map((a) => a.label)).toEqual(['bob', 'ada@example.com']);
  });

  it('throws NO_QR_FOUND when nothing on the page holds a QR by the timeout', async () => {
    const png = await QRCode.toDataURL('x', { color: { dark: '#ffffffff', light: '#ffffffff' } });
    await page.setContent(`${icon}<img alt="blank" width="200" src="${png}">`);
    await expect(readQrFromPage(page, { timeout: 200 })).rejects.toMatchObject({
      code: 'NO_QR_FOUND',
    });
  });
});

describe.skipIf(!browserAvailable)('authenticatorFromPage on the BMS', { timeout: 60_000 }, () => {
  let browser: Browser;
  let server: BmsServer;

  beforeAll(async () => {
    server = await startBmsServer({ assetsDir: await buildBms() });
    await server.addUser({ username: 'ann', name: 'Ann' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('reads the QR of My Profile > Enable MFA, and its code turns MFA on', async () => {
    const page = await browser.newPage();
    await signIn(page, server.origin, 'ann');
    await page.getByRole('button', { name: 'Enable MFA' }).click();
    const phone = await authenticatorFromPage(page, { now: () => server.clock.now() });
    expect(phone.accounts[0]).toMatchObject({ issuer: 'Acme BMS', label: 'ann' });
    await page.locator('mfa-enroll input').fill(phone.code());
    await page.locator('mfa-enroll button[part="button"]').click();
    await page.locator('mfa-enroll [part="code"]').first().waitFor();
    expect(await page.locator('mfa-enroll [part="code"]').count()).toBeGreaterThan(0);
  });
});
