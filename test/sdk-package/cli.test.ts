/**
 * The `mfa-companion` CLI, built as it is published (`npm run build:sdk`) and run as a child
 * process: every command, its help, bad arguments, unreadable images and `simulate` against
 * a real server process with the policy off and on.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMfaClient } from '../../sdk/client/index.ts';
import {
  encodeMigrationUris,
  formatKeyUri,
  generateCode,
  parseKeyUri,
  verifyCode,
} from '../../sdk/otp/index.ts';
import { buildSdk } from '../support/build-once.ts';
import { qrPng } from '../support/qr-image.ts';
import { runCli } from './support/run-cli.ts';
import { type ServerProcess, startServerProcess } from './support/server-process.ts';

const uri =
  'otpauth://totp/Acme%20BMS:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=Acme%20BMS';
const ada = parseKeyUri(uri);
const bob = parseKeyUri(
  'otpauth://totp/Other:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBV&issuer=Other&digits=8',
);
const at = '2025-03-04T05:06:07Z';
const atMs = Date.parse(at);

let bin = '';
let dir = '';
const file = (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const cli = (...args: string[]) => runCli(bin, args);

beforeAll(async () => {
  bin = join(await buildSdk(), 'dist/cli/main.js');
  dir = mkdtempSync(join(tmpdir(), 'mfa-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mfa-companion code', () => {
  it('prints the code, the seconds left and the account of a URI, at --at', async () => {
    const run = await cli('code', uri, '--at', at);
    expect(run).toEqual({
      status: 0,
      stdout: `${generateCode(ada, atMs)}  23 s left  Acme BMS:ada@example.com\n`,
      stderr: '',
    });
  });

  it('reads the account from a QR PNG and an SVG, and --next adds the next step’s code', async () => {
    const png = file('ada.png', await qrPng(uri));
    const svg = file('ada.svg', await QRCode.toString(uri, { type: 'svg' }));
    const next = generateCode(ada, atMs + 23_000);
    for (const image of [png, svg]) {
      const run = await cli('code', image, '--at', String(atMs / 1000 - 7), '--next');
      expect(run.stdout).toBe(
        `${generateCode(ada, atMs - 7000)}  30 s left  next ${next}  Acme BMS:ada@example.com\n`,
      );
    }
  });

  it('takes a bare base32 secret, and gives every account of a migration export', async () => {
    expect((await cli('code', 'jbsw y3dp ehpk 3pxp', '--at', at)).stdout).toMatch(
      /^\d{6} {2}23 s left {2}secret\n$/,
    );
    const [exportUri] = encodeMigrationUris([ada, bob]);
    const run = await cli('code', file('export.png', await qrPng(exportUri!)), '--at', at);
    expect(run.stdout.trim().split('\n')).toEqual([
      `${generateCode(ada, atMs)}  23 s left  Acme BMS:ada@example.com`,
      `${generateCode(bob, atMs)}  23 s left  Other:bob`,
    ]);
  });
});

describe('mfa-companion decode', () => {
  it('prints the URI of a QR image', async () => {
    expect(await cli('decode', file('d.png', await qrPng(uri)))).toEqual({
      status: 0,
      stdout: `${uri}\n`,
      stderr: '',
    });
  });

  it('prints every account of one part of a multi-QR export, and which part it is', async () => {
    const parts = encodeMigrationUris([ada, bob], { batchSize: 1, batchId: 7 });
    const run = await cli('decode', file('part2.png', await qrPng(parts[1]!)));
    expect(run).toEqual({
      status: 0,
      stdout: `${formatKeyUri(bob)}\n`,
      stderr: 'part 2 of 2 of export 7\n',
    });
    const whole = await cli('decode', encodeMigrationUris([ada, bob])[0]!);
    expect(whole.stdout).toBe(`${formatKeyUri(ada)}\n${formatKeyUri(bob)}\n`);
  });
});

describe('mfa-companion verify', () => {
  it('accepts a code and says which step matched and the window used', async () => {
    const step = Math.floor(atMs / 30_000);
    const now = await cli('verify', '--uri', uri, '--code', generateCode(ada, atMs), '--at', at);
    expect(now).toEqual({
      status: 0,
      stdout: `valid: step ${step}, the current one (window ±1)\n`,
      stderr: '',
    });
    const late = await cli(
      'verify',
      '--uri',
      uri,
      '--code',
      generateCode(ada, atMs - 60_000),
      '--at',
      at,
      '--window',
      '2',
    );
    expect(late.stdout).toBe(`valid: step ${step - 2}, 2 steps behind (window ±2)\n`);
  });

  it('answers exit code 1 for a code outside the window', async () => {
    const code = generateCode(ada, atMs - 60_000);
    expect(verifyCode(ada, code, { at: atMs }).ok).toBe(false);
    const run = await cli('verify', '--uri', uri, '--code', code, '--at', at);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      `invalid: ${code} is not a code of Acme BMS:ada@example.com within the window (±1)\n`,
    );
  });
});

describe('help and errors', () => {
  it('has help for the tool and every command, on stdout with exit code 0', async () => {
    const top = await cli('--help');
    expect(top.status).toBe(0);
    for (const command of ['code', 'decode', 'verify', 'simulate']) {
      expect(top.stdout).toContain(`  ${command} `);
      const help = await cli(command, '--help');
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: mfa-companion ${command} `));
    }
  });

  it.each([
    [[], 'Usage: mfa-companion <command>'],
    [['frob'], 'mfa-companion: unknown command "frob" (see mfa-companion --help)'],
    [['code'], 'mfa-companion: code: give one otpauth URI, secret or QR image'],
    [['code', uri, '--bogus'], "mfa-companion: code: Unknown option '--bogus'"],
    [
      ['code', uri, '--at', 'yesterday'],
      'mfa-companion: code: --at wants an ISO 8601 date-time or Unix seconds, not "yesterday"',
    ],
    [['verify', '--uri', uri], 'mfa-companion: verify: --code is required'],
    [
      ['verify', '--uri', uri, '--code', '1', '--window', '99'],
      'mfa-companion: verify: --window wants a whole number from 0 to 50',
    ],
    [
      ['simulate', '--server', 'ftp://x', '--user', 'a', '--password', 'b'],
      'mfa-companion: simulate: --server wants an http(s) URL',
    ],
    [['simulate', '--server', 'http://127.0.0.1:1'], 'mfa-companion: simulate: --user is required'],
  ])('answers exit code 2 and one clear line for bad arguments %j', async (args, message) => {
    const run = await cli(...args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.startsWith(message)).toBe(true);
  });

  it('answers exit code 3 for a missing file, an unreadable image, an image without a QR and a bad URI', async () => {
    const blank = await QRCode.toBuffer('x', { color: { dark: '#ffffffff', light: '#ffffffff' } });
    const cases: [string, string][] = [
      [join(dir, 'missing.png'), 'no such file'],
      [
        file('photo.jpg', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70])),
        'not a readable JPEG',
      ],
      [file('notes.txt', 'just some text'), 'not a PNG, JPEG or SVG image'],
      [
        file('broken.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2])),
        'missing or invalid IHDR',
      ],
      [file('blank.png', blank), 'no QR code found in the image'],
      ['otpauth://totp/x?secret=1', 'INVALID_SECRET'],
    ];
    for (const [input, message] of cases) {
      for (const command of ['code', 'decode']) {
        const run = await cli(command, input);
        expect(run.status, `${command} ${input}`).toBe(3);
        expect(run.stderr).toContain(message);
      }
    }
  });
});

describe('mfa-companion simulate against a server process', () => {
  let server: ServerProcess;
  const password = 'demo-password';
  beforeAll(async () => {
    server = await startServerProcess();
  });
  afterAll(() => server?.stop());

  const simulate = (user: string, ...more: string[]) =>
    runCli(bin, [
      'simulate',
      '--server',
      server.url,
      '--user',
      user,
      '--password',
      password,
      ...more,
    ]);

  it('policy off: enrols from My Profile, logs in with a code and a recovery code, step by step', async () => {
    const run = await simulate('bob@demo.test');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n').map((l) => l.replace(/: .*/, ''))).toEqual([
      `✓ server ${server.url} is up`,
      '✓ password accepted',
      '✓ set-up QR read in My Profile',
      '✓ first code accepted, MFA enabled',
      '✓ logged out',
      '✓ logged in with a code',
      '✓ logged out',
      '✓ logged in with a recovery code',
      '✓ logged out',
      'all 9 steps passed',
      '',
    ]);
    expect(run.stdout).toContain('signed in, no MFA yet and the policy does not require it');
    expect(run.stdout).toContain('recovery code spent');

    // Bob has MFA now: without his key a second run stops at once, saying why.
    const again = await simulate('bob@demo.test');
    expect(again.status).toBe(1);
    expect(again.stderr).toBe(
      '✗ bob@demo.test has MFA on already: pass their key with --uri, or have an admin reset it\n',
    );
  });

  it('with --uri for a user who has MFA: logs in with a code and makes new recovery codes', async () => {
    const alice = createMfaClient({ baseUrl: server.url });
    await alice.login({ username: 'alice@demo.test', password });
    const setup = await alice.startMfaSetup();
    // Enrolled with the previous step's code, so the run's current code is still unspent.
    await alice.enableMfa({
      code: generateCode(parseKeyUri(setup.otpauthUri), Date.now() - 30_000),
    });
    const run = await simulate('alice@demo.test', '--uri', setup.otpauthUri);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('✓ password accepted: MFA is on, a code is asked');
    expect(run.stdout).toContain('✓ new recovery codes made in My Profile: 10 codes');
    expect(run.stdout).toContain('all 7 steps passed');
  });

  it('policy on: the set-up is forced at login, and --show-uri gives the key for --uri', async () => {
    const admin = createMfaClient({ baseUrl: server.url });
    expect((await admin.login({ username: 'admin@demo.test', password })).status).toBe(
      'authenticated',
    );
    await admin.setPolicy({ requireMfaForNonSsoUsers: true });
    try {
      const run = await simulate('carol@client.test', '--show-uri');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('✓ password accepted: MFA set-up required at login');
      expect(run.stdout).toContain('✓ set-up QR read at login');
      expect(run.stdout).toContain('✓ first code accepted, MFA on: 10 recovery codes');
      expect(run.stdout).toContain('all 9 steps passed');
      const key = /key URI: (\S+)/.exec(run.stdout)?.[1];
      expect(parseKeyUri(key!).label).toBe('carol@client.test');
    } finally {
      const again = createMfaClient({ baseUrl: server.url });
      const step = await again.login({ username: 'admin@demo.test', password });
      expect(step.status).toBe('mfa_setup_required');
    }
  });

  it('stops with exit code 1 at the step that failed: a wrong password, a server that is not there', async () => {
    const wrong = await runCli(bin, [
      'simulate',
      '--server',
      server.url,
      '--user',
      'dave@client.test',
      '--password',
      'nope-nope',
    ]);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toBe(
      '✗ password accepted: INVALID_CREDENTIALS (401) Wrong username or password.\n',
    );
    const gone = await runCli(bin, [
      'simulate',
      '--server',
      'http://127.0.0.1:9',
      '--user',
      'x',
      '--password',
      'y',
    ]);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(/^✗ server http:\/\/127\.0\.0\.1:9 is up: NETWORK_ERROR/);
  });
});
