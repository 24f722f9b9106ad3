import { createMfaClient, MfaApiError, type MfaClient, type MfaSetup } from '../client/index.ts';
import { createVirtualAuthenticator, type VirtualAuthenticator } from '../testing/index.ts';
import { CliError, EXIT, type ExitCode } from './cli-error.ts';
import type { Output } from './output.ts';
import { noArguments, parse, required } from './parse.ts';
import { accountName, readUriOrImage } from './read-accounts.ts';

export const simulateUsage = `Usage: mfa-companion simulate --server <url> --user <username> --password <password>
                              [--uri <otpauth-uri | qr-image>] [--show-uri]

Plays a user with a phone against a running MFA Companion server, headless, and prints
each step as it passes: the password step; MFA set-up, forced at login when the policy
requires it or from My Profile otherwise (the QR is read as a phone would); logout; a
login with a code; logout; a login with a recovery code; logout. Exit 0 when every step
passed, 1 at the first that failed.

  --server <url>     where the server is, e.g. http://localhost:3000
  --user <name>      a password user of that server (SSO users have no password)
  --password <pw>    their password
  --uri <…>          the user's key (URI or QR image) when MFA is on already: then the
                     run logs in with a code and makes new recovery codes instead
  --show-uri         print the key URI of a new set-up, to reuse with --uri or code

Example: mfa-companion simulate --server http://localhost:3000 --user bob@demo.test --password demo-password`;

interface Run {
  client: MfaClient;
  phone: VirtualAuthenticator;
  output: Output;
  user: string;
  password: string;
  steps: number;
}

/** Runs one step; prints `✓ what` when it passes, or throws a CliError saying which step failed. */
async function step<T>(run: Run, what: string, act: () => Promise<T>, said?: (value: T) => string) {
  let value: T;
  try {
    value = await act();
  } catch (error) {
    const why =
      error instanceof MfaApiError
        ? `${error.code} (${error.status}) ${error.message}`
        : error instanceof CliError
          ? error.message
          : `${(error as Error).message}${(error as Error).cause ? `: ${String((error as { cause: unknown }).cause)}` : ''}`;
    throw new CliError(EXIT.FAILED, `✗ ${what}: ${why}`);
  }
  run.steps++;
  run.output.out(`✓ ${what}${said ? `: ${said(value)}` : ''}`);
  return value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends the phone's current code; when an earlier run spent it (CODE_ALREADY_USED), waits for
 * the next time step as a person would, up to three steps.
 */
async function untilFresh<T>(run: Run, period: number, send: (code: string) => Promise<T>) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send(run.phone.code());
    } catch (error) {
      if (!(error instanceof MfaApiError && error.code === 'CODE_ALREADY_USED') || attempt === 3) {
        throw error;
      }
      const wait = period * 1000 - (Date.now() % (period * 1000)) + 100;
      run.output.out(
        `  this code was used already: waiting ${Math.ceil(wait / 1000)} s for the next`,
      );
      await sleep(wait);
    }
  }
}

/** Reads the set-up QR like a phone and checks it holds the key the server said it does. */
function scan(run: Run, setup: MfaSetup): string {
  const account = run.phone.addFromQrSvg(setup.qrSvg);
  const shown = run.phone.addUri(setup.otpauthUri);
  if (account.secret !== shown.secret)
    throw new CliError(EXIT.FAILED, 'the QR code does not hold the key of otpauthUri');
  return accountName(account);
}

async function logout(run: Run) {
  await step(run, 'logged out', async () => {
    await run.client.logout();
    try {
      await run.client.me();
    } catch (error) {
      if (error instanceof MfaApiError && error.code === 'UNAUTHENTICATED') return;
      throw error;
    }
    throw new CliError(EXIT.FAILED, 'GET /api/me still answers after logout');
  });
}

/** Password, then `code(challengeId)` as the second factor. */
async function loginWith(run: Run, what: string, code: () => string) {
  return step(
    run,
    what,
    async () => {
      const first = await run.client.login({ username: run.user, password: run.password });
      if (first.status !== 'mfa_required') {
        throw new CliError(
          EXIT.FAILED,
          `the password step answered ${first.status}, not mfa_required`,
        );
      }
      return run.client.loginMfa({ challengeId: first.challengeId, code: code() });
    },
    (done) =>
      `signed in as ${done.user.username}${done.usedRecoveryCode ? ', recovery code spent' : ''}`,
  );
}

/**
 * `mfa-companion simulate`: the whole enrol-and-login loop against a running server, one line
 * a step, stopping at the first that fails.
 *
 * @example await simulateCommand(['--server', url, '--user', 'bob@demo.test', '--password', pw], output)
 */
export async function simulateCommand(args: string[], output: Output): Promise<ExitCode> {
  const { positionals, values } = parse('simulate', args, {
    server: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    uri: { type: 'string' },
    'show-uri': { type: 'boolean' },
  });
  if (values.help) return output.help(simulateUsage);
  noArguments('simulate', positionals);
  const server = required('simulate', values, 'server');
  if (!URL.canParse(server) || !/^https?:$/.test(new URL(server).protocol)) {
    throw new CliError(EXIT.USAGE, `simulate: --server wants an http(s) URL, not "${server}"`);
  }
  const run: Run = {
    client: createMfaClient({ baseUrl: server.replace(/\/$/, '') }),
    phone: createVirtualAuthenticator(),
    output,
    user: required('simulate', values, 'user'),
    password: required('simulate', values, 'password'),
    steps: 0,
  };
  const known = typeof values.uri === 'string' ? readUriOrImage(values.uri) : undefined;

  await step(
    run,
    `server ${server} is up`,
    () => run.client.health(),
    (h) => `store ${h.store}`,
  );
  const first = await step(
    run,
    'password accepted',
    () => run.client.login({ username: run.user, password: run.password }),
    (answer) =>
      ({
        authenticated: 'signed in, no MFA yet and the policy does not require it',
        mfa_required: 'MFA is on, a code is asked',
        mfa_setup_required: 'MFA set-up required at login (policy, or an admin reset)',
      })[answer.status],
  );

  let recoveryCodes: string[];
  if (first.status === 'mfa_required') {
    if (!known) {
      throw new CliError(
        EXIT.FAILED,
        `✗ ${run.user} has MFA on already: pass their key with --uri, or have an admin reset it`,
      );
    }
    const account = run.phone.addUri(known);
    await step(run, 'code accepted', () =>
      untilFresh(run, account.period, (code) =>
        run.client.loginMfa({ challengeId: first.challengeId, code }),
      ),
    );
    // The login spent this step's code: the next one passes the replay guard.
    const fresh = await step(
      run,
      'new recovery codes made in My Profile',
      () => run.client.regenerateRecoveryCodes({ code: run.phone.nextCode() }),
      (r) => `${r.recoveryCodes.length} codes`,
    );
    recoveryCodes = fresh.recoveryCodes;
    await logout(run);
  } else {
    if (first.status === 'mfa_setup_required') {
      const setup = await step(
        run,
        'set-up QR read at login',
        () => run.client.loginMfaSetup({ challengeId: first.challengeId }),
        (s) => scan(run, s),
      );
      const done = await step(
        run,
        'first code accepted, MFA on',
        () =>
          run.client.loginMfaSetupVerify({
            challengeId: first.challengeId,
            code: run.phone.code(),
          }),
        (d) => `${d.recoveryCodes.length} recovery codes`,
      );
      recoveryCodes = done.recoveryCodes;
      if (values['show-uri']) output.out(`  key URI: ${setup.otpauthUri}`);
    } else {
      const setup = await step(
        run,
        'set-up QR read in My Profile',
        () => run.client.startMfaSetup(),
        (s) => scan(run, s),
      );
      const done = await step(
        run,
        'first code accepted, MFA enabled',
        () => run.client.enableMfa({ code: run.phone.code() }),
        (d) => `${d.recoveryCodes.length} recovery codes`,
      );
      recoveryCodes = done.recoveryCodes;
      if (values['show-uri']) output.out(`  key URI: ${setup.otpauthUri}`);
    }
    await logout(run);
    // The set-up spent this step's code: the phone's next one passes the replay guard.
    await loginWith(run, 'logged in with a code', () => run.phone.nextCode());
    await logout(run);
  }
  const recovery = recoveryCodes[0];
  if (!recovery) throw new CliError(EXIT.FAILED, '✗ the server gave no recovery codes');
  await loginWith(run, 'logged in with a recovery code', () => recovery);
  await logout(run);
  output.out(`all ${run.steps} steps passed`);
  return EXIT.OK;
}
