import { describe, expect, it } from 'vitest';
import { generateCode, parseKeyUri } from '../../sdk/otp/index.ts';
import { browserAvailable } from '../support/browser.ts';
import { useAppBrowser } from './support/app-browser.ts';
import { confirmAdd, openContext, pasteKey, shownNames } from './support/app-page.ts';

const T = Date.UTC(2034, 7, 8, 9, 10, 3);
const uris = [
  'otpauth://totp/ACME:ann@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME',
  'otpauth://totp/Globex:bob@globex.test?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Globex',
];

describe.skipIf(!browserAvailable)('PWA: using the codes list', { timeout: 90_000 }, () => {
  const env = useAppBrowser();

  it('copies a code on tap, says so without showing it, and names the button with the code as shown', async () => {
    const { context, page, errors } = await openContext(env.browser, {
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    await context.clock.install({ time: T - 1000 });
    await context.clock.pauseAt(T);
    await pasteKey(page, env.app.url, uris[0] ?? '');
    await confirmAdd(page);
    const code = generateCode(parseKeyUri(uris[0] ?? ''), T);
    const button = page.getByRole('button', { name: /^Code for ACME \(ann@example\.com\)/ });
    expect(await button.getAttribute('aria-label')).toContain(
      `${code.slice(0, 3)} ${code.slice(3)}`,
    );
    await button.click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(code);
    const toast = page.locator('toast-host [role="status"]');
    await expect.poll(() => toast.textContent()).toContain('Code copied');
    expect(await toast.textContent()).not.toContain(code);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('reorders by drag and drop in edit mode and keeps the order after a reload', async () => {
    const { context, page } = await openContext(env.browser);
    await pasteKey(page, env.app.url, uris.join('\n'));
    await confirmAdd(page);
    // Rows are dragged in edit mode only, so a stray drag never reorders.
    expect(await page.locator('codes-page li[draggable="true"]').count()).toBe(0);
    await page.getByRole('button', { name: 'Reorder' }).click();
    await page.locator('codes-page li[draggable="true"]').nth(1).waitFor();
    await page.locator('codes-page li').nth(1).dragTo(page.locator('codes-page li').nth(0));
    await expect
      .poll(() => shownNames(page))
      .toEqual(['Globex (bob@globex.test)', 'ACME (ann@example.com)']);
    await page.reload();
    await expect
      .poll(() => shownNames(page))
      .toEqual(['Globex (bob@globex.test)', 'ACME (ann@example.com)']);
    await context.close();
  });

  it('finds accounts by issuer or account name', async () => {
    const { context, page } = await openContext(env.browser);
    await pasteKey(page, env.app.url, uris.join('\n'));
    await confirmAdd(page);
    const search = page.getByLabel('Search accounts');
    await search.fill('globex');
    await expect.poll(() => shownNames(page)).toEqual(['Globex (bob@globex.test)']);
    await search.fill('ANN@');
    await expect.poll(() => shownNames(page)).toEqual(['ACME (ann@example.com)']);
    await search.fill('nobody');
    await expect
      .poll(() => page.locator('codes-page').getByText('No account matches').count())
      .toBe(1);
    await search.fill('');
    await expect.poll(() => shownNames(page)).toHaveLength(2);
    await context.close();
  });
});
