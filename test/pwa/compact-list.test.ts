import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.ts';
import { useAppBrowser } from './support/app-browser.ts';
import { confirmAdd, letToastsGo, openContext, pasteKey, shownNames } from './support/app-page.ts';

const T = Date.UTC(2036, 8, 7, 6, 5, 4);
const alphabet = 'ABCDEFGHIJ';
const uris = Array.from(
  { length: 10 },
  (_, i) =>
    `otpauth://totp/Service${i}:user${i}@example.com?secret=JBSWY3DPEHPK3PX${alphabet[i]}&issuer=Service${i}`,
);

/** aria-label (or text) of the focused element, looking through shadow roots. */
function focused(page: import('playwright-core').Page): Promise<string> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
  });
}

describe.skipIf(!browserAvailable)('PWA: the compact codes list', { timeout: 90_000 }, () => {
  const env = useAppBrowser();

  async function withAccounts() {
    const opened = await openContext(env.browser);
    await opened.context.clock.install({ time: T - 1000 });
    await opened.context.clock.pauseAt(T);
    await pasteKey(opened.page, env.app.url, uris.join('\n'));
    await confirmAdd(opened.page);
    await opened.page.evaluate(() => window.scrollTo(0, 0));
    // Let the toasts go ("accounts added", then "ready for offline use" once the service worker
    // has the page): they cover the bottom of the screen.
    await letToastsGo(opened.page);
    return opened;
  }

  it('shows seven accounts on a 360×740 phone, with no reorder buttons outside edit mode', async () => {
    const { context, page, errors } = await withAccounts();
    const headerBottom = await page
      .locator('app-shell header')
      .evaluate((el) => el.getBoundingClientRect().bottom);
    const boxes = await page
      .locator('account-card article')
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
    const whole = boxes.filter((b) => b.top >= 0 && b.bottom <= 740);
    expect(whole.length).toBeGreaterThanOrEqual(7);
    expect(whole.every((b) => b.top >= headerBottom)).toBe(true);
    expect(Math.max(...boxes.map((b) => b.height))).toBeLessThanOrEqual(80);
    // Every visible card shows its code and the seconds left; none has ↑/↓ until edit mode.
    expect(await page.getByRole('button', { name: /^Move .* (up|down)$/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /^Details of / }).count()).toBe(boxes.length);
    expect(await page.locator('codes-page li[draggable="true"]').count()).toBe(0);
    await page.getByRole('button', { name: 'Reorder' }).click();
    await expect
      .poll(() => page.getByRole('button', { name: /^Move .* up$/ }).count())
      .toBe(boxes.length);
    expect(
      await page.getByRole('button', { name: 'Move Service0 (user0@example.com) up' }).isDisabled(),
    ).toBe(true);
    expect(await page.locator('codes-page li[draggable="true"]').count()).toBe(boxes.length);
    expect(await page.locator('codes-page .editing').textContent()).toContain('drag');
    // Edit mode keeps the rows as they were: same height, same place.
    const editBoxes = await page
      .locator('account-card article')
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().height));
    expect(editBoxes).toEqual(boxes.map((b) => b.height));
    await page.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => page.getByRole('button', { name: /^Move .* up$/ }).count()).toBe(0);
    expect(await page.locator('account-card .code[data-code]').count()).toBe(boxes.length);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('moves a card with Alt+↑ outside edit mode too, keeping focus on its code', async () => {
    const { context, page, errors } = await withAccounts();
    await page.getByRole('button', { name: /^Code for Service2 / }).focus();
    await page.keyboard.press('Alt+ArrowUp');
    await expect
      .poll(async () => (await shownNames(page)).slice(0, 3))
      .toEqual([
        'Service0 (user0@example.com)',
        'Service2 (user2@example.com)',
        'Service1 (user1@example.com)',
      ]);
    await expect.poll(() => focused(page)).toMatch(/^Code for Service2 /);
    expect(errors).toEqual([]);
    await context.close();
  });
});
