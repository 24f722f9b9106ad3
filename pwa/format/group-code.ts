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
