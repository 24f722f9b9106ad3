/**
 * Formatting of one-time codes for eyes and for screen readers.
 */

/**
 * Splits a code into two groups for reading: `123456` → `123 456`, `12345678` → `1234 5678`,
 * `1234567` → `1234 567`.
 *
 * @example groupCode('287082') // '287 082'
 */
export function groupCode(code: string): string {
  if (code.length < 6) return code;
  const head = Math.ceil(code.length / 2);
  return `${code.slice(0, head)} ${code.slice(head)}`;
}

/**
 * The code as a screen reader should say it: digit by digit, not as one large number.
 *
 * @example spokenCode('287082') // '2 8 7 0 8 2'
 */
export function spokenCode(code: string): string {
  return code.split('').join(' ');
}
