// Test-only: fast-check generators shared by the property tests of sdk/otp (not exported by index.ts).
import fc from 'fast-check';
import { base32Encode } from './base32.ts';
import type { OtpAccount } from './types.ts';

/**
 * Arbitrary valid accounts. Each format restricts digits and period differently (a key URI takes
 * 6–8 digits and any period; an export only 6 or 8 digits and 30 s), so callers pass theirs.
 *
 * @example fc.array(accountArbitrary({ text, digits: fc.constantFrom(6, 8), period: fc.constant(30) }))
 */
export function accountArbitrary(opts: {
  text: fc.Arbitrary<string>;
  digits: fc.Arbitrary<number>;
  period: fc.Arbitrary<number>;
}): fc.Arbitrary<OtpAccount> {
  return fc
    .record({
      type: fc.constantFrom('totp', 'hotp' as const),
      secret: fc.uint8Array({ minLength: 10, maxLength: 128 }).map(base32Encode),
      issuer: fc.option(
        opts.text.filter((s) => s !== ''),
        { nil: undefined },
      ),
      label: opts.text,
      algorithm: fc.constantFrom('SHA1', 'SHA256', 'SHA512' as const),
      digits: opts.digits,
      period: opts.period,
      counter: fc.maxSafeNat(),
    })
    .map(({ issuer, counter, ...rest }) => {
      const a: OtpAccount = { ...rest };
      if (issuer !== undefined) a.issuer = issuer;
      if (rest.type === 'hotp') a.counter = counter;
      return a;
    });
}
