import { decodeMigrationPayload, formatKeyUri, OtpError, parseKeyUri } from '../otp/index.ts';
import { CliError, EXIT, type ExitCode } from './cli-error.ts';
import type { Output } from './output.ts';
import { parse } from './parse.ts';
import { readUriOrImage } from './read-accounts.ts';

export const decodeUsage = `Usage: mfa-companion decode <qr-image | otpauth-migration-uri>

Prints the otpauth:// URI a QR code holds. For a Google Authenticator export
(otpauth-migration://) prints one otpauth:// URI per account, and on stderr which
part of a multi-QR export this is and any entries that could not be used.

  <qr-image>   a PNG, JPEG (baseline) or SVG file of a QR code
  <uri>        an otpauth-migration:// (or otpauth://) URI, to decode without an image

Example: mfa-companion decode export.png > accounts.txt`;

/**
 * `mfa-companion decode`: the URI(s) in a QR image, every account of a migration export.
 *
 * @example await decodeCommand(['export.png'], output)
 */
export async function decodeCommand(args: string[], output: Output): Promise<ExitCode> {
  const { positionals, values } = parse('decode', args, {});
  if (values.help) return output.help(decodeUsage);
  if (positionals.length !== 1) {
    throw new CliError(
      EXIT.USAGE,
      'decode: give one QR image or URI (see mfa-companion decode --help)',
    );
  }
  const text = readUriOrImage(positionals[0]!);
  try {
    if (!/^otpauth-migration:/i.test(text)) {
      // Checked, then printed as it was read: the URI is what the QR holds.
      parseKeyUri(text);
      output.out(text);
      return EXIT.OK;
    }
    const { accounts, skipped, batch } = decodeMigrationPayload(text);
    if (batch.size > 1)
      output.err(`part ${batch.index + 1} of ${batch.size} of export ${batch.id}`);
    for (const account of accounts) output.out(formatKeyUri(account));
    for (const { index, reason, message } of skipped)
      output.err(`entry ${index + 1} skipped: ${reason} ${message}`);
    return accounts.length > 0 ? EXIT.OK : EXIT.UNREADABLE;
  } catch (error) {
    if (!(error instanceof OtpError)) throw error;
    throw new CliError(EXIT.UNREADABLE, `${error.code}: ${error.message}`);
  }
}
