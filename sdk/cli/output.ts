import { EXIT, type ExitCode } from './cli-error.ts';

/** Where a command writes: stdout lines, stderr lines. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** Prints a usage text on stdout and answers {@link EXIT.OK}. */
  help(usage: string): ExitCode;
}

/** The process's own stdout and stderr. */
export const processOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  help(usage) {
    process.stdout.write(`${usage}\n`);
    return EXIT.OK;
  },
};
