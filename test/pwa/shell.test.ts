import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.ts';
import { useAppBrowser } from './support/app-browser.ts';
import { openContext } from './support/app-page.ts';
import { buildApp } from './support/build-app.ts';

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('PWA build: manifest and icons', () => {
  it('has what installers need: name, the product as short name, standalone, theme, scope /app/, an Add shortcut, real icons', async () => {
    const dist = await buildApp();
    const manifest = JSON.parse(await readFile(join(dist, 'manifest.webmanifest'), 'utf8')) as {
      name: string;
      short_name: string;
      display: string;
      theme_color: string;
      scope: string;
      start_url: string;
      icons: ManifestIcon[];
      shortcuts: { url: string }[];
    };
    expect(manifest).toMatchObject({
      name: 'MFA Companion',
      // The home-screen label: the product's name, not a generic word like "Codes".
      short_name: 'MFA Companion',
      display: 'standalone',
      scope: '/app/',
      start_url: '/app/',
    });
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.shortcuts.map((s) => s.url)).toContain('/app/#/add');
    for (const need of ['192x192:any', '512x512:any', '512x512:maskable']) {
      const [sizes, purpose] = need.split(':');
      const icon = manifest.icons.find(
        (i) => i.sizes === sizes && i.purpose === purpose && i.type === 'image/png',
      );
      expect(icon, need).toBeDefined();
      const [w, h] = pngSize(await readFile(join(dist, icon?.src ?? '')));
      expect(`${w}x${h}`).toBe(sizes);
    }
    expect(await readFile(join(dist, 'icons/icon.svg'), 'utf8')).toContain('<svg');
  });
});

describe.skipIf(!browserAvailable)('PWA shell in Chromium', { timeout: 90_000 }, () => {
  const env = useAppBrowser();

  it('follows the system colour scheme', async () => {
    const { context, page } = await openContext(env.browser);
    const background = () =>
      page.locator('app-shell').evaluate((el) => getComputedStyle(el).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(env.app.url);
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    expect(light).not.toBe(dark);
    await context.close();
  });

  it('tells a phone user how to add the first account, fits 360 px, and is keyboard operable', async () => {
    const { context, page, errors } = await openContext(env.browser);
    await page.goto(env.app.url);
    await page.getByRole('heading', { name: 'No accounts yet' }).waitFor();
    // Words for someone holding a phone, not for the BMS.
    const empty = (await page.locator('codes-page section.empty').textContent()) ?? '';
    expect(empty).not.toMatch(/BMS/);
    expect(empty).toMatch(/this phone's camera/);
    expect(empty).toMatch(/QR code/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      360,
    );
    // Tab from the top reaches the "Add your first account" link and Enter follows it.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      const name = await page.evaluate(() => {
        let el: Element | null = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        return el?.textContent?.trim() ?? '';
      });
      if (name === 'Add your first account') break;
    }
    await page.keyboard.press('Enter');
    await page.getByRole('tablist', { name: 'Ways to add an account' }).waitFor();
    expect(page.url()).toMatch(/#\/add$/);
    // The typed-key form's example issuer is not the BMS either.
    await page.getByRole('tab', { name: 'Enter key' }).click();
    expect(await page.getByLabel('Service (issuer)').getAttribute('placeholder')).not.toMatch(
      /BMS/,
    );
    expect(errors).toEqual([]);
    await context.close();
  });
});
