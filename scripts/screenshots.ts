/**
 * `npm run screenshots`: builds the BMS pages bundle (dist/bms) and the PWA (dist/pwa), starts
 * the real server (`server/main.ts`) as a child process on a temporary DATA_DIR with the demo
 * seed, gives two demo people MFA through the API, then screenshots every BMS page and step and
 * every PWA screen (served at /app/, `pwa-*`) at 360 px and 1280 px, and at 320 and 360 px with
 * 200 % browser text (`*-text200.png`), into `screenshots/` (git-ignored), printing each path.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createMfaClient } from '../sdk/client/index.ts';
import { createVirtualAuthenticator } from '../sdk/testing/index.ts';
import { setTextSize } from '../test/support/a11y.ts';
import { launchChromium } from '../test/support/browser.ts';

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));
const outDir = join(repo, 'screenshots');
const PASSWORD = 'demo-password';
/** Each view at these widths and browser text sizes (32 px: 200 %, WCAG 1.4.4). */
const VIEWS = [
  { width: 360, text: 16, suffix: '360' },
  { width: 1280, text: 16, suffix: '1280' },
  { width: 320, text: 32, suffix: '320-text200' },
  { width: 360, text: 32, suffix: '360-text200' },
] as const;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

function buildBundles(): void {
  const vite = join(repo, 'node_modules/vite/bin/vite.js');
  for (const [what, config] of [
    ['the BMS bundle', ['--config', 'server/pages/vite.config.ts']],
    ['the PWA', []],
  ] as const) {
    const run = spawnSync(process.execPath, [vite, 'build', ...config, '--logLevel', 'warn'], {
      cwd: repo,
      stdio: 'inherit',
    });
    if (run.status !== 0) throw new Error(`${what} did not build`);
  }
}

/** Accounts for the PWA's screens, as a person with a few services would have. */
const PWA_ACCOUNTS = [
  ['Demo Company', 'alice@demo.test'],
  ['GitHub', 'alice-codes'],
  ['Google', 'alice@gmail.example'],
  ['Microsoft', 'alice@outlook.example'],
  ['AWS', 'root-account'],
  ['Dropbox', 'alice@demo.test'],
  ['Slack', 'alice@demo-team.example'],
  ['A very long issuer name, Incorporated', 'an.unusually.long.account.name@example.test'],
].map(
  ([issuer, account], i) =>
    `otpauth://totp/${encodeURIComponent(`${issuer}:${account}`)}?secret=${`${'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.slice(i)}ABCDEFGHIJ`.slice(0, 32)}&issuer=${encodeURIComponent(issuer!)}`,
);

/** The PWA with the accounts above stored, on its codes screen. */
async function pwaWithAccounts(page: Page, app: string) {
  await page.goto(`${app}#/add?tab=paste`);
  await page.getByLabel('Key link').fill(PWA_ACCOUNTS.join('\n'));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('account-preview button.primary').click();
  await page.locator('codes-page account-card').first().waitFor();
}

async function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repo,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      SEED_DEMO: '1',
      DEMO_PASSWORD: PASSWORD,
      RATE_LIMIT_PER_MINUTE: '100000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ready, fail) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('listening on')) ready();
    });
    child.once('exit', (code) => fail(new Error(`server exited (${code}) before listening`)));
  });
  return child;
}

/** Gives a demo person MFA through the API, as they would from My Profile with a phone. */
async function enrol(origin: string, username: string) {
  const client = createMfaClient({ baseUrl: origin });
  const phone = createVirtualAuthenticator();
  await client.login({ username, password: PASSWORD });
  phone.addUri((await client.startMfaSetup()).otpauthUri);
  await client.enableMfa({ code: phone.code() });
}

async function signedIn(
  browser: Browser,
  origin: string,
  width: number,
  text: number,
  username?: string,
) {
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  const page = await context.newPage();
  if (text !== 16) await setTextSize(page, text);
  if (username) {
    await passwordStep(page, origin, username);
    await page.waitForURL(/\/profile$/);
  }
  return page;
}

async function passwordStep(page: Page, origin: string, username: string, password = PASSWORD) {
  await page.goto(`${origin}/login`);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function pwaReady(page: Page, url: string) {
  await page.goto(url);
  await page.locator('app-shell').waitFor();
  await page.waitForLoadState('networkidle');
}

async function ready(page: Page, url: string) {
  await page.goto(url);
  await page.locator('body[data-ready="true"]').waitFor();
}

/** Sign in with SSO on the login page: the built-in test IdP's first page. */
async function toTestIdp(page: Page, origin: string) {
  await ready(page, `${origin}/login`);
  await page.getByRole('link', { name: 'Sign in with SSO' }).click();
  await page.getByRole('button', { name: 'Sign in as this user' }).waitFor();
}

type Shot = [name: string, as: string | undefined, prepare: (page: Page) => Promise<void>];

async function main(): Promise<void> {
  buildBundles();
  mkdirSync(outDir, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'bms-screens-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const app = `${origin}/app/`;
  const server = await startServer(dataDir, port);
  let browser: Browser | undefined;
  try {
    await enrol(origin, 'alice@demo.test');
    await enrol(origin, 'carol@client.test');
    browser = await launchChromium();
    const admin = 'admin@demo.test';
    const shots: Shot[] = [
      ['01-login', undefined, (p) => ready(p, `${origin}/login`)],
      [
        '02-login-wrong-password',
        undefined,
        async (p) => {
          await passwordStep(p, origin, admin, 'not-the-password');
          await p.locator('#login-error:not(:empty)').waitFor();
        },
      ],
      [
        '03-login-mfa-code',
        undefined,
        async (p) => {
          await passwordStep(p, origin, 'alice@demo.test');
          await p.locator('mfa-challenge input').waitFor();
        },
      ],
      ['04-profile', admin, (p) => ready(p, `${origin}/profile`)],
      [
        '05-profile-enable-mfa',
        admin,
        async (p) => {
          await ready(p, `${origin}/profile`);
          await p.getByRole('button', { name: 'Enable MFA' }).click();
          await p.locator('mfa-enroll img[part="qr"]').waitFor();
        },
      ],
      ['06-auth-and-provision', admin, (p) => ready(p, `${origin}/admin/auth`)],
      ['07-employees', admin, (p) => ready(p, `${origin}/admin/employees`)],
      [
        '08-contacts-selected',
        admin,
        async (p) => {
          await ready(p, `${origin}/admin/contacts`);
          await p.getByRole('checkbox', { name: 'Select Carol Contact' }).check();
        },
      ],
      [
        '09-contacts-reset-confirmation',
        admin,
        async (p) => {
          await ready(p, `${origin}/admin/contacts`);
          await p.getByRole('button', { name: 'Reset MFA for Dave Contact' }).click();
          await p.getByRole('dialog').waitFor();
        },
      ],
      ['10-audit-log', admin, (p) => ready(p, `${origin}/admin/audit`)],
      // SSO through the demo's built-in test IdP (issue 19).
      ['sso-01-test-idp', undefined, (p) => toTestIdp(p, origin)],
      [
        'sso-02-test-idp-signed',
        undefined,
        async (p) => {
          await toTestIdp(p, origin);
          await p.getByRole('button', { name: 'Sign in as this user' }).click();
          await p.getByRole('button', { name: 'Continue to MFA Companion' }).waitFor();
        },
      ],
      [
        'sso-03-profile',
        undefined,
        async (p) => {
          await toTestIdp(p, origin);
          await p.getByRole('button', { name: 'Sign in as this user' }).click();
          await p.getByRole('button', { name: 'Continue to MFA Companion' }).click();
          await p.waitForURL(/\/profile$/);
          await p.locator('body[data-ready="true"]').waitFor();
        },
      ],
      [
        'sso-04-login-refused',
        undefined,
        (p) => ready(p, `${origin}/login?sso_error=not_sso_user`),
      ],
      ['pwa-01-empty', undefined, (p) => pwaReady(p, app)],
      ['pwa-02-add-paste', undefined, (p) => pwaReady(p, `${app}#/add?tab=paste`)],
      [
        'pwa-03-add-key-advanced',
        undefined,
        async (p) => {
          await pwaReady(p, `${app}#/add?tab=manual`);
          await p.getByText('Advanced').click();
        },
      ],
      ['pwa-04-codes', undefined, (p) => pwaWithAccounts(p, app)],
      [
        'pwa-05-codes-reorder',
        undefined,
        async (p) => {
          await pwaWithAccounts(p, app);
          await p.getByRole('button', { name: 'Reorder' }).click();
        },
      ],
      [
        'pwa-06-account-qr',
        undefined,
        async (p) => {
          await pwaWithAccounts(p, app);
          await p.locator('account-card a[data-focus="details"]').first().click();
          await p.getByRole('button', { name: 'Show QR code' }).click();
        },
      ],
      ['pwa-07-settings', undefined, (p) => pwaReady(p, `${app}#/settings`)],
      [
        'pwa-08-backup',
        undefined,
        async (p) => {
          await pwaWithAccounts(p, app);
          await p.goto(`${app}#/backup`);
          await p.locator('backup-page').waitFor();
        },
      ],
    ];
    const take = async (
      name: string,
      as: string | undefined,
      prepare: (p: Page) => Promise<void>,
    ) => {
      for (const { width, text, suffix } of VIEWS) {
        const page = await signedIn(browser!, origin, width, text, as);
        await prepare(page);
        const path = join(outDir, `${name}-${suffix}.png`);
        await page.screenshot({ path, fullPage: true });
        console.log(path);
        await page.context().close();
      }
    };
    for (const [name, as, prepare] of shots) await take(name, as, prepare);

    // Last, because turning the policy on ends the sessions of people without MFA.
    const api = createMfaClient({ baseUrl: origin });
    await api.login({ username: admin, password: PASSWORD });
    await api.setPolicy({ requireMfaForNonSsoUsers: true });
    await take('11-login-forced-set-up', undefined, async (p) => {
      await passwordStep(p, origin, 'bob@demo.test');
      await p.locator('mfa-enroll img[part="qr"]').waitFor();
    });
  } finally {
    await browser?.close();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
