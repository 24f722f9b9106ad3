/** Exit codes of the `mfa-companion` CLI: stable, documented in sdk/README.md. */
export const EXIT = {
  /** The command did what was asked. */
  OK: 0,
  /** `verify`: the code does not match; `simulate`: a step failed. */
  FAILED: 1,
  /** Unknown command or option, a missing or malformed argument. */
  USAGE: 2,
  /** The URI, secret, file or image cannot be read (missing file, not PNG/JPEG/SVG, no QR code). */
  UNREADABLE: 3,
} as const;

/** One of {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * What a command throws to stop with a message and an exit code; `main` prints `message` alone
 * (no stack) on stderr.
 *
 * @example throw new CliError(EXIT.USAGE, 'code: give an otpauth URI, a secret or a QR image');
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCode;

  constructor(exitCode: ExitCode, message: string) {
    super(message);
    this.exitCode = exitCode;
  }
}
