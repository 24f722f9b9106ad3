/** HMAC hash functions an authenticator may use; others are rejected. */
export const ALGORITHMS = ['SHA1', 'SHA256', 'SHA512'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

/** One authenticator account: what an `otpauth://` URI or an export entry describes. */
export interface OtpAccount {
  type: 'totp' | 'hotp';
  /** Canonical base32: upper case, no spaces, no padding. */
  secret: string;
  issuer?: string;
  /** Account name, without the issuer prefix. */
  label: string;
  algorithm: Algorithm;
  /** 6 to 8. */
  digits: number;
  /** Seconds, 1 to 300; used by TOTP. */
  period: number;
  /** HOTP only: the counter of the next code. */
  counter?: number;
}

/** The limits listed in sdk/otp/README.md, in one place. */
export const LIMITS = {
  minSecretBytes: 10,
  maxSecretBytes: 128,
  minDigits: 6,
  maxDigits: 8,
  minPeriod: 1,
  maxPeriod: 300,
  maxUriLength: 4096,
  maxMigrationUriLength: 65536,
  maxWindow: 50,
} as const;

export const DEFAULTS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
