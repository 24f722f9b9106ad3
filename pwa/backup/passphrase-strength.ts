/** A rough strength hint for a backup passphrase: what a person can act on, not a guarantee. */
export interface StrengthHint {
  /** 0 (too weak to use) to 3 (strong). */
  score: 0 | 1 | 2 | 3;
  words: string;
}

/** Shortest passphrase accepted for a backup. */
export const MIN_PASSPHRASE = 10;

/**
 * Estimates strength from length and character variety (a guesser that knows the character
 * classes); long passphrases of common words score by length, which is what protects them.
 *
 * @example passphraseStrength('correct horse battery staple').score // 3
 */
export function passphraseStrength(passphrase: string): StrengthHint {
  const length = [...passphrase].length;
  if (length < MIN_PASSPHRASE) {
    return { score: 0, words: `Too short: use at least ${MIN_PASSPHRASE} characters.` };
  }
  let pool = 0;
  if (/[a-z]/.test(passphrase)) pool += 26;
  if (/[A-Z]/.test(passphrase)) pool += 26;
  if (/[0-9]/.test(passphrase)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(passphrase)) pool += 33;
  const repeated = new Set(passphrase).size <= 3;
  const bits = repeated ? 10 : length * Math.log2(Math.max(pool, 2));
  if (bits < 50)
    return { score: 1, words: 'Weak: make it longer (several unrelated words work well).' };
  if (bits < 80) return { score: 2, words: 'Fair: a few more words would make it strong.' };
  return { score: 3, words: 'Strong.' };
}
