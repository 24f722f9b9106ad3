import { execFileSync } from 'node:child_process';

/**
 * Whether a missing external dependency (Chromium, PostgreSQL) must fail the run instead of
 * skipping it. CI sets CI=true; by hand the suites skip with a loud message.
 */
export const mustRunEverything = process.env.CI === 'true' || process.env.CI === '1';

/** Prints a skip reason so nobody mistakes a skipped suite for a green one. */
export function announceSkip(what: string, why: string): void {
  const line = '!'.repeat(78);
  console.warn(
    `\n${line}\n!! SKIPPING ${what}: ${why}\n!! (under CI=true this is a failure)\n${line}\n`,
  );
}

/** Path of Debian's Chromium (or CHROMIUM_PATH), or null when it is not installed. */
export function findChromium(): string | null {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}
