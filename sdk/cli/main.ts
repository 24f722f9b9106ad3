#!/usr/bin/env node
/**
 * `mfa-companion`: the SDK's command line for testers. `mfa-companion --help` lists the
 * commands; exit codes are {@link EXIT}.
 */
import { CliError, EXIT, type ExitCode } from './cli-error.ts';
import { codeCommand } from './code-command.ts';
import { decodeCommand } from './decode-command.ts';
import { type Output, processOutput } from './output.ts';
import { simulateCommand } from './simulate-command.ts';
import { verifyCommand } from './verify-command.ts';

const COMMANDS: Record<string, (args: string[], output: Output) => Promise<ExitCode>> = {
  code: codeCommand,
  decode: decodeCommand,
  verify: verifyCommand,
  simulate: simulateCommand,
};

export const usage = `Usage: mfa-companion <command> [options]

Commands:
  code <otpauth-uri | secret | qr-image>    the current code and the seconds it has left
  decode <qr-image>                         the URI(s) a QR code holds, every account of an export
  verify --uri <…> --code <digits>          whether a code matches, and the time step it matched
  simulate --server <url> --user <name> --password <pw>
                                            enrol, log in with a code and a recovery code, log out

mfa-companion <command> --help shows a command's options.
Exit codes: 0 done, 1 verify/simulate failed, 2 bad arguments, 3 unreadable URI, file or image.`;

/**
 * Runs one command line and answers its exit code; messages go to `output`.
 *
 * @example process.exitCode = await main(['code', uri], processOutput);
 */
export async function main(argv: string[], output: Output): Promise<ExitCode> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    if (name === undefined) {
      output.err(usage);
      return EXIT.USAGE;
    }
    return output.help(usage);
  }
  const command = COMMANDS[name];
  try {
    if (!command)
      throw new CliError(EXIT.USAGE, `unknown command "${name}" (see mfa-companion --help)`);
    return await command(args, output);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    output.err(error.message.startsWith('✗') ? error.message : `mfa-companion: ${error.message}`);
    return error.exitCode;
  }
}

process.exitCode = await main(process.argv.slice(2), processOutput);
