import { generateCode, type OtpAccount } from '../otp/index.ts';
import { CliError, EXIT, type ExitCode } from './cli-error.ts';
import type { Output } from './output.ts';
import { parse, parseTime } from './parse.ts';
import { accountName, readAccounts } from './read-accounts.ts';

export const codeUsage = `Usage: mfa-companion code <otpauth-uri | secret | qr-image> [--at <time>] [--next]

Prints the current code of each account, the seconds it has left and the account's name.

  <otpauth-uri>   otpauth://totp/… or otpauth://hotp/…, or an otpauth-migration:// export
  <secret>        a base32 secret (TOTP, SHA1, 6 digits, 30 s)
  <qr-image>      a PNG, JPEG (baseline) or SVG file of a QR code holding one of the URIs
  --at <time>     the code at another time: ISO 8601 (2025-03-04T05:06:07Z) or Unix seconds
  --next          also print the code of the next time step

Example: mfa-companion code "otpauth://totp/Acme:ada?secret=JBSWY3DPEHPK3PXP&issuer=Acme"
         492039  17 s left  Acme:ada`;

function line(account: OtpAccount, at: number, next: boolean): string {
  const name = accountName(account);
  if (account.type === 'hotp') {
    const counter = account.counter ?? 0;
    const after = next ? `  next ${generateCode({ ...account, counter: counter + 1 })}` : '';
    return `${generateCode(account)}  counter ${counter}${after}  ${name}`;
  }
  const periodMs = account.period * 1000;
  const stepEnd = (Math.floor(at / periodMs) + 1) * periodMs;
  const left = Math.ceil((stepEnd - at) / 1000);
  const after = next ? `  next ${generateCode(account, stepEnd)}` : '';
  return `${generateCode(account, at)}  ${left} s left${after}  ${name}`;
}

/**
 * `mfa-companion code`: the current (or `--at`) code of every account the argument holds.
 *
 * @example await codeCommand(['otpauth://totp/…', '--next'], output)
 */
export async function codeCommand(args: string[], output: Output): Promise<ExitCode> {
  const { positionals, values } = parse('code', args, {
    at: { type: 'string' },
    next: { type: 'boolean' },
  });
  if (values.help) return output.help(codeUsage);
  if (positionals.length !== 1) {
    throw new CliError(
      EXIT.USAGE,
      'code: give one otpauth URI, secret or QR image (see mfa-companion code --help)',
    );
  }
  const at = typeof values.at === 'string' ? parseTime('code', values.at) : Date.now();
  for (const account of readAccounts(positionals[0]!))
    output.out(line(account, at, values.next === true));
  return EXIT.OK;
}
