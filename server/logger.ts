/**
 * Structured logging: one JSON line per event. Callers pass fields, never secrets, codes,
 * passwords, hashes or tokens (the tests capture every line and scan for them).
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Collects lines and writes them with one `out` call per event-loop turn, and at once when the
 * process exits. Writing to stdout is synchronous for files and pipes on Linux: a system call
 * for every line, two on every login, where a turn under load holds dozens of lines.
 *
 * @example const logger = createLogger(batchedLines((text) => process.stdout.write(text)));
 */
export function batchedLines(out: (text: string) => void): (line: string) => void {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const text = `${pending.join('\n')}\n`;
    pending = [];
    out(text);
  };
  process.on('exit', flush);
  return (line) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(line);
  };
}

/**
 * A logger writing JSON lines to `write` (default: stdout, batched per event-loop turn).
 *
 * @example const logger = createLogger((line) => lines.push(line));
 */
export function createLogger(
  write: (line: string) => void = batchedLines((text) => process.stdout.write(text)),
): Logger {
  const log =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }));
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/** Discards everything (tests that do not look at logs). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
