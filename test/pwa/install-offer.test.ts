import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.ts';
import { useAppBrowser } from './support/app-browser.ts';
import { openContext } from './support/app-page.ts';

describe.skipIf(!browserAvailable)('PWA: installing it', { timeout: 90_000 }, () => {
  const env = useAppBrowser();

  it('offers an install button where the browser fires beforeinstallprompt, and makes its prompt', async () => {
    const { context, page, errors } = await openContext(env.browser);
    await page.goto(env.app.url);
    await page.getByRole('heading', { name: 'No accounts yet' }).waitFor();
    const button = page.getByRole('button', { name: 'Install MFA Companion' });
    expect(await button.count()).toBe(0);
    // What Chromium sends when the app is installable: an event with prompt() and userChoice.
    await page.evaluate(() => {
      const event = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
        prompt: async () => {
          (window as unknown as { prompted: number }).prompted =
            ((window as unknown as { prompted?: number }).prompted ?? 0) + 1;
        },
        userChoice: Promise.resolve({ outcome: 'accepted', platform: 'web' }),
      });
      window.dispatchEvent(event);
      (window as unknown as { held: boolean }).held = event.defaultPrevented;
    });
    expect(await page.evaluate(() => (window as unknown as { held: boolean }).held)).toBe(true);
    await button.waitFor();
    // Settings offers it too.
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.locator('settings-page h2').first().waitFor();
    await page.getByRole('button', { name: 'Install MFA Companion' }).click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { prompted?: number }).prompted))
      .toBe(1);
    // An offer is made once: the button goes with it.
    await expect
      .poll(() => page.getByRole('button', { name: 'Install MFA Companion' }).count())
      .toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
