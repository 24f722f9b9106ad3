import type { OtpAccount } from '../../sdk/otp/index.ts';

/** A candidate account and, when the same key is already known, where. */
export interface Candidate {
  account: OtpAccount;
  /** Id of the vault entry with the same key, 'batch' for a repeat within the candidates, or null. */
  duplicateOf: string | null;
}

const keyOf = (a: OtpAccount): string => `${a.type}:${a.secret}`;

/**
 * Marks candidates whose key (same type and secret) is already in the vault or earlier in the
 * same batch, so the preview offers them as "already added" instead of storing them twice.
 *
 * @example markDuplicates(parsed, entries).filter((c) => !c.duplicateOf)
 */
export function markDuplicates(
  candidates: readonly OtpAccount[],
  existing: readonly { id: string; account: OtpAccount }[],
): Candidate[] {
  const known = new Map(existing.map((e) => [keyOf(e.account), e.id]));
  const seen = new Set<string>();
  return candidates.map((account) => {
    const key = keyOf(account);
    const duplicateOf = known.get(key) ?? (seen.has(key) ? 'batch' : null);
    seen.add(key);
    return { account, duplicateOf };
  });
}
