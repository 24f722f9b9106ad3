import { parseArgs } from 'node:util';
import { CliError, EXIT } from './cli-error.ts';

/** The options one command takes, in node:util `parseArgs` form. */
export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Parsed arguments: positionals and option values. */
export interface Parsed {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

/**
 * Parses one command's arguments strictly: an unknown option or a missing value is a usage
 * error (exit 2) naming the command, not a stack trace.
 *
 * @example const { values } = parse('verify', args, { uri: { type: 'string' } });
 */
export function parse(command: string, args: string[], options: OptionSpec): Parsed {
  try {
    const { positionals, values } = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { positionals, values };
  } catch (error) {
    const message = (error as Error).message.split(/\n|\. /)[0];
    throw new CliError(EXIT.USAGE, `${command}: ${message} (see mfa-companion ${command} --help)`);
  }
}

/**
 * A time given on the command line: an ISO 8601 date-time, or Unix seconds.
 *
 * @example parseTime('2025-03-04T05:06:07Z') // 1741064767000
 */
export function parseTime(command: string, text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new CliError(
      EXIT.USAGE,
      `${command}: --at wants an ISO 8601 date-time or Unix seconds, not "${text}"`,
    );
  }
  return ms;
}

/** A usage error for a command that takes options only, when it was given an argument. */
export function noArguments(command: string, positionals: string[]): void {
  if (positionals.length > 0) {
    throw new CliError(
      EXIT.USAGE,
      `${command}: unexpected argument "${positionals[0]}" (see mfa-companion ${command} --help)`,
    );
  }
}

/** A required string option, or a usage error naming it. */
export function required(command: string, values: Parsed['values'], name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') {
    throw new CliError(
      EXIT.USAGE,
      `${command}: --${name} is required (see mfa-companion ${command} --help)`,
    );
  }
  return value;
}
