import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from '../../support/browser.ts';
import { buildApp } from './build-app.ts';
import { type AppServer, serveApp } from './static-server.ts';

/**
 * Serves the production build of the PWA and launches Chromium around one describe block; read
 * the fields inside tests and hooks, once `beforeAll` has run.
 *
 * @example const env = useAppBrowser(); it('…', async () => openContext(env.browser))
 */
export function useAppBrowser(): { browser: Browser; app: AppServer } {
  const env = {} as { browser: Browser; app: AppServer };
  beforeAll(async () => {
    env.app = await serveApp(await buildApp());
    env.browser = await launchChromium();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.app?.close();
  });
  return env;
}
