import { verifyCode } from '../otp/index.ts';
import { CliError, EXIT, type ExitCode } from './cli-error.ts';
import type { Output } from './output.ts';
import { noArguments, parse, parseTime, required } from './parse.ts';
import { accountName, readAccounts } from './read-accounts.ts';

export const verifyUsage = `Usage: mfa-companion verify --uri <otpauth-uri | secret | qr-image> --code <digits>
                            [--at <time>] [--window <steps>]

Checks a code as the server would and says which time step matched. Exit 0 when it
matches, 1 when it does not.

  --uri <…>          the account: an otpauth URI, a base32 secret or a QR image
  --code <digits>    the code to check
  --at <time>        check at another time: ISO 8601 or Unix seconds (default now)
  --window <steps>   steps tried on each side of now, 0–50 (default 1, the server's)

Example: mfa-companion verify --uri "$URI" --code 492039
         valid: step 58091383, the current one (window ±1)`;

function describeOffset(offset: number): string {
  if (offset === 0) return 'the current one';
  const steps = Math.abs(offset) === 1 ? 'step' : 'steps';
  return offset < 0 ? `${-offset} ${steps} behind` : `${offset} ${steps} ahead`;
}

/**
 * `mfa-companion verify`: whether a code matches, with the matched step and the window used.
 *
 * @example await verifyCommand(['--uri', uri, '--code', '492039'], output) // EXIT.OK
 */
export async function verifyCommand(args: string[], output: Output): Promise<ExitCode> {
  const { positionals, values } = parse('verify', args, {
    uri: { type: 'string' },
    code: { type: 'string' },
    at: { type: 'string' },
    window: { type: 'string' },
  });
  if (values.help) return output.help(verifyUsage);
  noArguments('verify', positionals);
  const source = required('verify', values, 'uri');
  const code = required('verify', values, 'code').replace(/\s/g, '');
  const window = values.window === undefined ? 1 : Number(values.window);
  if (!Number.isInteger(window) || window < 0 || window > 50) {
    throw new CliError(
      EXIT.USAGE,
      `verify: --window wants a whole number from 0 to 50, not "${values.window}"`,
    );
  }
  const at = typeof values.at === 'string' ? parseTime('verify', values.at) : Date.now();
  const accounts = readAccounts(source);
  if (accounts.length > 1) {
    throw new CliError(
      EXIT.USAGE,
      `verify: --uri holds ${accounts.length} accounts; give one otpauth:// URI`,
    );
  }
  const account = accounts[0]!;
  const result = verifyCode(account, code, { at, window });
  const range =
    account.type === 'hotp' ? `counter ${account.counter ?? 0} to +${window}` : `±${window}`;
  if (!result.ok) {
    output.out(
      `invalid: ${code} is not a code of ${accountName(account)} within the window (${range})`,
    );
    return EXIT.FAILED;
  }
  if (account.type === 'hotp') {
    output.out(`valid: counter ${result.step} (window ${range})`);
  } else {
    const now = Math.floor(at / (account.period * 1000));
    output.out(
      `valid: step ${result.step}, ${describeOffset(result.step - now)} (window ${range})`,
    );
  }
  return EXIT.OK;
}
