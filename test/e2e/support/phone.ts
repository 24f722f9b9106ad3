import type { BrowserContext, Page } from 'playwright-core';

/**
 * The PWA on a phone: a 360 px context of its own (own IndexedDB vault) whose `Date` is held by
 * Playwright's clock at the server's time, so the codes it shows are the ones the server expects.
 * Timers keep running (the camera scanner and the codes list need them).
 */
export interface Phone {
  context: BrowserContext;
  page: Page;
  errors: string[];
  /** Moves the phone's time forward, as the server's clock is moved. */
  advance(ms: number): Promise<void>;
  /** The code the PWA shows for the only account, read from its codes list. */
  code(): Promise<string>;
}

/**
 * A new phone-sized context of `browser` whose time stands at `at` (the server's time) until
 * {@link Phone.advance} moves it.
 *
 * @example const phone = await openPhone(browser, server.origin, server.clock.now());
 */
export async function openPhone(
  browser: { newContext: (o: object) => Promise<BrowserContext> },
  at: number,
  options: { permissions?: string[] } = {},
): Promise<Phone> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, ...options });
  let time = at;
  await context.clock.setFixedTime(time);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return {
    context,
    page,
    errors,
    advance(ms) {
      time += ms;
      return context.clock.setFixedTime(time);
    },
    async code() {
      const button = page.locator('account-card .code[data-code]').first();
      await button.waitFor();
      return (await button.getAttribute('data-code')) ?? '';
    },
  };
}

/** Confirms the PWA's "Add this account?" step and waits for the codes list. */
export async function confirmAdd(page: Page): Promise<void> {
  await page.locator('account-preview button.primary').click();
  await page.locator('codes-page').waitFor();
}
