import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { generateCode, parseKeyUri } from '../../sdk/otp/index.ts';
import {
  activeElement,
  axeViolations,
  clippedText,
  setTextSize,
  sidewaysScrollers,
} from '../support/a11y.ts';
import { browserAvailable } from '../support/browser.ts';
import { useAppBrowser } from './support/app-browser.ts';
import { confirmAdd, letToastsGo, openAddTab, openContext, pasteKey } from './support/app-page.ts';

const T = Date.UTC(2035, 2, 4, 5, 6, 7);
const LONG_NAME = `${'a-very-long-account-name-without-spaces'.repeat(2)}@subdomain.example.test`;
const uris = [
  'otpauth://totp/ACME:ann@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME',
  'otpauth://totp/Globex:bob@globex.test?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Globex&digits=8',
  `otpauth://totp/Initech:${LONG_NAME}?secret=KRSXG5CTMVRXEZLU&issuer=Initech`,
];

/** The screens and states of the PWA, reached from a page that holds the three accounts. */
const screens: [name: string, open: (page: Page, url: string) => Promise<void>][] = [
  ['codes', (p, url) => goto(p, `${url}#/`, 'account-card .code[data-code]')],
  ['add: QR image', (p, url) => goto(p, `${url}#/add?tab=image`, 'qr-image-input')],
  ['add: paste', (p, url) => openAddTab(p, url, 'paste')],
  ['add: enter key', (p, url) => goto(p, `${url}#/add?tab=manual`, 'manual-entry-form input')],
  [
    'add: preview of a long name',
    async (p, url) => {
      await pasteKey(p, url, uris[2]!.replace('KRSXG5CTMVRXEZLU', 'MFRGGZDFMZTWQ2LK'));
      await p.locator('account-preview h2').waitFor();
    },
  ],
  ['account', (p, url) => goto(p, `${url}#/`, 'account-card a').then(() => openFirstDetails(p))],
  [
    'account: QR code shown',
    async (p, url) => {
      await goto(p, `${url}#/`, 'account-card a');
      await openFirstDetails(p);
      await p.locator('account-page').getByRole('button', { name: 'Show QR code' }).click();
      await p.locator('qr-code [data-ready]').waitFor();
    },
  ],
  ['settings', (p, url) => goto(p, `${url}#/settings`, 'settings-page h2')],
  ['backup', (p, url) => goto(p, `${url}#/backup`, 'backup-page h2')],
  [
    'backup: transfer QR shown',
    async (p, url) => {
      await goto(p, `${url}#/backup`, 'backup-page h2');
      await p.getByLabel('I understand that these QR codes show my keys in clear.').check();
      await p.getByRole('button', { name: 'Show transfer QR codes' }).click();
      await p.locator('qr-code [data-ready]').waitFor();
    },
  ],
];

async function goto(page: Page, url: string, ready: string): Promise<void> {
  await page.goto(url);
  await page.locator(ready).first().waitFor();
}

async function openFirstDetails(page: Page): Promise<void> {
  await page.locator('account-card a').first().click();
  await page.locator('account-page h2').waitFor();
}

/** A context at the fixed clock with the three accounts stored. */
async function withAccounts(browser: Parameters<typeof openContext>[0], url: string, width = 360) {
  const opened = await openContext(browser);
  await opened.page.setViewportSize({ width, height: 740 });
  await opened.context.clock.install({ time: T - 1000 });
  await opened.context.clock.pauseAt(T);
  await pasteKey(opened.page, url, uris.join('\n'));
  await confirmAdd(opened.page);
  // Same time step after the toasts: codes are still those of T.
  await letToastsGo(opened.page);
  return opened;
}

describe.skipIf(!browserAvailable)('PWA: accessibility beyond axe', { timeout: 120_000 }, () => {
  const env = useAppBrowser();

  it.each([320, 360])(
    'at %i px and 200 percent text nothing scrolls sideways and every code and label is whole',
    async (width) => {
      const { context, page, errors } = await withAccounts(env.browser, env.app.url, width);
      await setTextSize(page, 32);
      const problems: string[] = [];
      for (const [name, open] of screens) {
        await open(page, env.app.url);
        for (const p of await sidewaysScrollers(page)) problems.push(`${name}: ${p}`);
        const selectors = 'account-card .slot, app-shell h1, [role="tab"], account-preview .name';
        for (const p of await clippedText(page, selectors)) problems.push(`${name}: ${p}`);
      }
      expect(problems).toEqual([]);
      // The 8-digit code, which lost its last digit, is all there in the visible slot.
      await page.goto(`${env.app.url}#/`);
      const eight = generateCode(parseKeyUri(uris[1]!), T);
      await expect
        .poll(() => page.locator('account-card .code[data-code]').nth(1).getAttribute('data-code'))
        .toBe(eight);
      expect(errors).toEqual([]);
      await context.close();
    },
  );

  it('gives each code button a name that contains the code as shown (Label in Name)', async () => {
    const { context, page } = await withAccounts(env.browser, env.app.url);
    const names = await page.locator('account-card button.code').evaluateAll((els) =>
      els.map((el) => {
        const shown = [...el.querySelectorAll('.slot')].find(
          (s) => Number(getComputedStyle(s).opacity) > 0.5,
        );
        return { shown: shown?.textContent ?? '', name: el.getAttribute('aria-label') ?? '' };
      }),
    );
    expect(names).toHaveLength(3);
    for (const { shown, name } of names) {
      expect(shown).toMatch(/^\d{3,4} \d{3,4}$/);
      expect(name).toContain(shown);
    }
    await context.close();
  });

  it('moves focus to the preview heading after paste, and keeps the focused screen below the header', async () => {
    const { context, page } = await withAccounts(env.browser, env.app.url);
    await pasteKey(page, env.app.url, uris[0]!);
    await page.locator('account-preview h2').waitFor();
    await expect.poll(() => activeElement(page)).toBe('h2#preview-title "Already added"');
    // Navigation from a scrolled screen: the search field must not sit under the header.
    await setTextSize(page, 32);
    await page.goto(`${env.app.url}#/settings`);
    await page.locator('settings-page h2').first().waitFor();
    await page.mouse.wheel(0, 2000);
    await page.getByRole('link', { name: 'Codes', exact: true }).click();
    await page.locator('codes-page input#search').waitFor();
    const [headerBottom, labelTop] = await Promise.all([
      page.locator('app-shell header').evaluate((el) => el.getBoundingClientRect().bottom),
      // The field itself: its label is for screen readers, the placeholder says it.
      page.locator('codes-page input#search').evaluate((el) => el.getBoundingClientRect().top),
    ]);
    expect(labelTop).toBeGreaterThanOrEqual(headerBottom);
    await context.close();
  });

  it('keeps the "accounts added" toast off the last card’s buttons', async () => {
    const { context, page } = await withAccounts(env.browser, env.app.url);
    await setTextSize(page, 32);
    await pasteKey(
      page,
      env.app.url,
      'otpauth://totp/Hooli:gavin@hooli.test?secret=ONSWG4TFOQYTEMZU&issuer=Hooli',
    );
    await confirmAdd(page);
    const toast = page.locator('toast-host .toast');
    await toast.waitFor();
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const last = page.locator('account-card').last().locator('.actions');
    await last.locator('a').first().waitFor();
    const [t, a] = await Promise.all([toast.boundingBox(), last.boundingBox()]);
    if (!t || !a) throw new Error('no toast or no actions row');
    expect(a.y + a.height).toBeLessThanOrEqual(t.y);
    await context.close();
  });

  it('works offline from the first visit, without a reload, and says when it is ready', async () => {
    const { context, page, errors } = await openContext(env.browser);
    await page.goto(env.app.url);
    const toast = page.locator('toast-host [role="status"]');
    await expect
      .poll(() => toast.textContent(), { timeout: 30_000 })
      .toContain('ready for offline use');
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await context.setOffline(true);
    await page.getByRole('link', { name: 'Add', exact: true }).click();
    await page.getByRole('tablist', { name: 'Ways to add an account' }).waitFor();
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await expect.poll(() => page.locator('settings-page h2').first().textContent()).toBe('Vault');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('has no serious or critical axe (WCAG 2.2 AA) violation on any screen, light and dark, 360 and 1280 px', async () => {
    const empty = await openContext(env.browser);
    await empty.page.goto(env.app.url);
    await empty.page.getByRole('heading', { name: 'No accounts yet' }).waitFor();
    const found = await axeViolations(empty.page, 'codes: empty');
    await empty.context.close();
    for (const width of [360, 1280]) {
      const { context, page } = await withAccounts(env.browser, env.app.url, width);
      // axe waits on timers: let the (fake) clock run.
      await context.clock.resume();
      // Dark at phone width only: the colours do not change with the width.
      for (const scheme of width === 360 ? (['light', 'dark'] as const) : (['light'] as const)) {
        await page.emulateMedia({ colorScheme: scheme });
        for (const [name, open] of [
          ...screens,
          ['not found', (p: Page, url: string) => goto(p, `${url}#/nowhere`, 'main p')] as const,
        ]) {
          await open(page, env.app.url);
          found.push(...(await axeViolations(page, `${name} ${scheme} ${width}`)));
        }
      }
      await context.close();
    }
    expect(found).toEqual([]);
  });
});
