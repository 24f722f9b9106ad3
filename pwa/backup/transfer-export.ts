import { encodeMigrationUris, type OtpAccount, OtpError } from '../../sdk/otp/index.ts';

/** An account left out of a Google Authenticator export, and why. */
export interface LeftOut {
  account: OtpAccount;
  why: string;
}

/** The QR codes of a Google Authenticator transfer, or why there are none. */
export type TransferExport =
  | { ok: true; uris: string[]; perCode: number; leftOut: LeftOut[] }
  | { ok: false; message: string; leftOut: LeftOut[] };

/** Accounts per QR code: what Google Authenticator itself writes, and the format's maximum. */
export const ACCOUNTS_PER_CODE = 10;

/** Why Google Authenticator's format cannot carry `account`, or null when it can. */
function unexportable(account: OtpAccount): string | null {
  // The format has no period field and knows only 6 and 8 digits (see sdk/otp's encoder).
  if (account.period !== 30) return `${account.period}-second codes`;
  if (account.digits !== 6 && account.digits !== 8) return `${account.digits}-digit codes`;
  return null;
}

/**
 * Writes accounts as Google Authenticator transfer QR codes: a numbered sequence of
 * `otpauth-migration://` links, at most 10 accounts each (sdk/otp's `encodeMigrationUris`), with
 * the accounts the format cannot carry left out and named.
 *
 * @example const t = transferExport(accounts); if (t.ok) show(t.uris[0], `1 of ${t.uris.length}`);
 */
export function transferExport(accounts: OtpAccount[]): TransferExport {
  const leftOut: LeftOut[] = [];
  const carried: OtpAccount[] = [];
  for (const account of accounts) {
    const why = unexportable(account);
    if (why) leftOut.push({ account, why });
    else carried.push(account);
  }
  if (carried.length === 0) {
    return {
      ok: false,
      message: 'No account here can go into a Google Authenticator export.',
      leftOut,
    };
  }
  try {
    const uris = encodeMigrationUris(carried, { batchSize: ACCOUNTS_PER_CODE });
    return { ok: true, uris, perCode: ACCOUNTS_PER_CODE, leftOut };
  } catch (error) {
    if (error instanceof OtpError) return { ok: false, message: error.message, leftOut };
    throw error;
  }
}
