import type { OtpAccount } from '../../sdk/otp/index.ts';

/** A candidate account and, when the same key or the same name is already known, where. */
export interface Candidate {
  account: OtpAccount;
  /** Id of the vault entry with the same key, 'batch' for a repeat within the candidates, or null. */
  duplicateOf: string | null;
  /**
   * Id of a vault entry with the same issuer and account name but another key (the service was
   * re-enrolled): the user chooses to replace its key or keep both. Null otherwise.
   */
  conflictWith: string | null;
}

/** What the preview hands back: new accounts, and re-enrolled ones replacing an old key. */
export interface AddPlan {
  add: OtpAccount[];
  replace: { id: string; account: OtpAccount }[];
}

const keyOf = (a: OtpAccount): string => `${a.type}:${a.secret}`;
const nameOf = (a: OtpAccount): string =>
  `${(a.issuer ?? '').trim().toLowerCase()}\n${a.label.trim().toLowerCase()}`;

/**
 * Marks candidates whose key (same type and secret) is already in the vault or earlier in the
 * same batch, so the preview offers them as "already added" instead of storing them twice, and
 * those whose issuer and account name match a stored account with another key, so the preview
 * asks whether the new key replaces the old one.
 *
 * @example markDuplicates(parsed, entries).filter((c) => !c.duplicateOf)
 */
export function markDuplicates(
  candidates: readonly OtpAccount[],
  existing: readonly { id: string; account: OtpAccount }[],
): Candidate[] {
  const known = new Map(existing.map((e) => [keyOf(e.account), e.id]));
  const names = new Map<string, string>();
  for (const e of existing) if (!names.has(nameOf(e.account))) names.set(nameOf(e.account), e.id);
  const seen = new Set<string>();
  const claimed = new Set<string>();
  return candidates.map((account) => {
    const key = keyOf(account);
    const duplicateOf = known.get(key) ?? (seen.has(key) ? 'batch' : null);
    seen.add(key);
    let conflictWith: string | null = null;
    const sameName = names.get(nameOf(account));
    // One stored account can be replaced by one candidate only.
    if (!duplicateOf && sameName && !claimed.has(sameName)) {
      conflictWith = sameName;
      claimed.add(sameName);
    }
    return { account, duplicateOf, conflictWith };
  });
}
