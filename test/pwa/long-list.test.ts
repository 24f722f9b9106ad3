import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatKeyUri, generateCode, type OtpAccount } from '../../sdk/otp/index.ts';
import { browserAvailable } from '../support/browser.ts';
import { useAppBrowser } from './support/app-browser.ts';
import { confirmAdd, openContext, pasteKey } from './support/app-page.ts';

const T = Date.UTC(2033, 2, 4, 5, 6, 7);
const COUNT = 60;
/** Rows a 740 px viewport holds (rows are 78 px), plus 3 beyond each edge, with room to spare. */
const MAX_RENDERED = 18;

/** `n` accounts with distinct secrets, named "Service <i>". */
function manyAccounts(n: number): OtpAccount[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return Array.from({ length: n }, (_, i) => ({
    type: 'totp' as const,
    secret: Array.from(
      createHash('sha256').update(`long-list-${i}`).digest(),
      (b) => alphabet[b % 32],
    )
      .join('')
      .slice(0, 32),
    issuer: `Service ${i}`,
    label: `user${i}`,
    algorithm: 'SHA1' as const,
    digits: 6,
    period: 30,
  }));
}

/** Position and set size of each rendered row, and the account name of its card. */
function rows(page: Page): Promise<{ pos: number; size: number; name: string }[]> {
  return page.locator('codes-page li[aria-posinset]').evaluateAll((els) =>
    els.map((li) => ({
      pos: Number(li.getAttribute('aria-posinset')),
      size: Number(li.getAttribute('aria-setsize')),
      name:
        li
          .querySelector('account-card')
          ?.shadowRoot?.querySelector('article')
          ?.getAttribute('aria-label') ?? '',
    })),
  );
}

/** aria-label of the focused element, looking through shadow roots. */
function focusedLabel(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.getAttribute('aria-label') ?? null;
  });
}

describe.skipIf(!browserAvailable)('PWA: a long list of accounts', { timeout: 120_000 }, () => {
  const env = useAppBrowser();
  const accounts = manyAccounts(COUNT);

  async function withAccounts() {
    const opened = await openContext(env.browser);
    await opened.context.clock.install({ time: T - 1000 });
    await opened.context.clock.pauseAt(T);
    await pasteKey(opened.page, env.app.url, accounts.map(formatKeyUri).join('\n'));
    await confirmAdd(opened.page);
    await expect.poll(async () => (await rows(opened.page))[0]?.size).toBe(COUNT);
    // The add screen's long preview may have left the page scrolled.
    await opened.page.evaluate(() => window.scrollTo(0, 0));
    await expect.poll(async () => (await rows(opened.page))[0]?.pos).toBe(1);
    return opened;
  }

  it('keeps only the rows near the viewport in the DOM, announced as positions in the whole list', async () => {
    const { context, page, errors } = await withAccounts();
    const top = await rows(page);
    expect(top.length).toBeGreaterThan(2);
    expect(top.length).toBeLessThanOrEqual(MAX_RENDERED);
    expect(top.map((r) => r.pos)).toEqual(top.map((_, i) => i + 1));
    expect(top.every((r) => r.size === COUNT)).toBe(true);
    expect(await page.locator('account-card').count()).toBe(top.length);
    // Scrolled to the end, the last account is there with its code.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect.poll(async () => (await rows(page)).at(-1)?.pos).toBe(COUNT);
    const bottom = await rows(page);
    expect(bottom.length).toBeLessThanOrEqual(MAX_RENDERED);
    expect(bottom.at(-1)?.name).toBe(`Service ${COUNT - 1} (user${COUNT - 1})`);
    const lastCode = page.getByRole('button', {
      name: new RegExp(`^Code for Service ${COUNT - 1} `),
    });
    await expect
      .poll(() => lastCode.getAttribute('data-code'))
      .toBe(generateCode(accounts[COUNT - 1] as OtpAccount, T));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps focus on a card moved with Alt+↓ in edit mode past the rendered rows, scrolling along', async () => {
    const { context, page, errors } = await withAccounts();
    await page.getByRole('button', { name: 'Reorder' }).click();
    await page.getByRole('button', { name: 'Move Service 0 (user0) down' }).focus();
    const moves = 14;
    for (let k = 1; k <= moves; k++) {
      await page.keyboard.press('Alt+ArrowDown');
      await expect
        .poll(async () => (await rows(page)).find((r) => r.name === 'Service 0 (user0)')?.pos)
        .toBe(k + 1);
      await expect.poll(() => focusedLabel(page)).toBe('Move Service 0 (user0) down');
    }
    expect((await rows(page)).length).toBeLessThanOrEqual(MAX_RENDERED);
    const box = await page
      .getByRole('button', { name: 'Move Service 0 (user0) down' })
      .boundingBox();
    expect(box && box.y >= 0 && box.y + box.height <= 740).toBe(true);
    // The ↑ button moves it back the same way.
    await page.getByRole('button', { name: 'Move Service 0 (user0) up' }).click();
    await expect
      .poll(async () => (await rows(page)).find((r) => r.name === 'Service 0 (user0)')?.pos)
      .toBe(moves);
    await expect.poll(() => focusedLabel(page)).toBe('Move Service 0 (user0) up');
    expect(errors).toEqual([]);
    await context.close();
  });
});
