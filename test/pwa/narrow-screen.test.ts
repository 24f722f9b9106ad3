import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.ts';
import { useAppBrowser } from './support/app-browser.ts';
import { confirmAdd, openAddTab, openContext, pasteKey } from './support/app-page.ts';

const T = Date.UTC(2036, 3, 5, 6, 7, 8);
const uri = 'otpauth://totp/ACME:ann@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME';

/** Shape of the header at the current screen: the title's lines and the links' rows. */
function headerShape(page: Page) {
  return page.locator('app-shell').evaluate((shell) => {
    const root = shell.shadowRoot;
    const h1 = root?.querySelector('h1');
    if (!h1) throw new Error('no title');
    const range = document.createRange();
    range.selectNodeContents(h1);
    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    const box = h1.getBoundingClientRect();
    const text = range.getBoundingClientRect();
    const links = [...(root?.querySelectorAll('nav a') ?? [])].map((a) =>
      Math.round(a.getBoundingClientRect().top),
    );
    return {
      title: h1.textContent?.trim() ?? '',
      lines,
      whole: text.left >= box.left - 1 && text.right <= box.right + 1 && text.top >= 0,
      inViewport: text.right <= window.innerWidth,
      linkRows: new Set(links).size,
    };
  });
}

describe.skipIf(!browserAvailable)(
  'PWA: a 360 px phone, as a new user meets it',
  { timeout: 90_000 },
  () => {
    const env = useAppBrowser();

    it('at 360 px: whole titles, the add tabs on one line, an Advanced that looks expandable', async () => {
      const { context, page, errors } = await openContext(env.browser);
      await pasteKey(page, env.app.url, uri);
      await confirmAdd(page);
      const id = await page.locator('account-card a').first().getAttribute('href');
      for (const hash of ['#/', '#/add', id ?? '', '#/settings', '#/backup']) {
        await page.goto(`${env.app.url}${hash}`);
        await page.locator('main h2, main [role="tablist"], main label').first().waitFor();
        const shape = await headerShape(page);
        expect({ hash, ...shape }).toMatchObject({
          hash,
          lines: 1,
          whole: true,
          inViewport: true,
          linkRows: 1,
        });
      }
      // The four ways to add sit on one line, each label on one line.
      await openAddTab(page, env.app.url, 'manual');
      const tabs = await page.getByRole('tab').evaluateAll((els) =>
        els.map((el) => {
          const r = el.getBoundingClientRect();
          return { top: Math.round(r.top), height: r.height };
        }),
      );
      expect(tabs).toHaveLength(4);
      expect(new Set(tabs.map((t) => t.top)).size).toBe(1);
      expect(Math.max(...tabs.map((t) => t.height))).toBeLessThan(48);
      // "Advanced" shows a sign that it opens, which turns when it is open.
      const summary = page.locator('manual-entry-form summary');
      const sign = summary.locator('.chevron');
      const shown = await sign.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 4 && r.height > 4 && getComputedStyle(el).visibility === 'visible';
      });
      expect(shown).toBe(true);
      const turned = () => sign.evaluate((el) => getComputedStyle(el).transform);
      const closed = await turned();
      await summary.click();
      await expect.poll(() => page.getByLabel('Algorithm').isVisible()).toBe(true);
      await expect.poll(turned).not.toBe(closed);
      expect(errors).toEqual([]);
      await context.close();
    });

    it('takes the toast away when a dialog opens, and draws Cancel as a button, not a visited link', async () => {
      const { context, page, errors } = await openContext(env.browser);
      // A paused clock: the toast would otherwise stay for 6 s, the time it takes to get there.
      await context.clock.install({ time: T - 1000 });
      await context.clock.pauseAt(T);
      await pasteKey(page, env.app.url, uri);
      await confirmAdd(page);
      await page.getByRole('link', { name: 'Details of ACME (ann@example.com)' }).click();
      await page.locator('account-page h2').waitFor();
      const toasts = page.locator('toast-host .toast');
      expect(await toasts.count()).toBe(1);
      const [cancel, save] = await Promise.all(
        [
          page.locator('account-page').getByRole('link', { name: 'Cancel' }),
          page.getByRole('button', { name: 'Save' }),
        ].map((l) =>
          l.first().evaluate((el) => {
            const s = getComputedStyle(el);
            return {
              decoration: s.textDecorationLine,
              border: s.borderTopStyle,
              radius: s.borderTopLeftRadius,
              height: el.getBoundingClientRect().height,
              color: s.color,
            };
          }),
        ),
      );
      expect(cancel).toMatchObject({ decoration: 'none', border: 'solid', radius: save?.radius });
      expect(cancel?.height).toBeGreaterThanOrEqual(44);
      // Not the browser's link blue (or, visited, purple): the product's text colour.
      expect(cancel?.color).not.toBe('rgb(0, 0, 238)');
      expect(cancel?.color).not.toBe('rgb(85, 26, 139)');
      await page.getByRole('button', { name: 'Delete account' }).click();
      await page.getByRole('dialog').waitFor();
      expect(await toasts.count()).toBe(0);
      await page.getByRole('dialog').getByRole('button', { name: 'Keep' }).click();
      expect(errors).toEqual([]);
      await context.close();
    });
  },
);
