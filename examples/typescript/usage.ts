// The package from TypeScript: every entry point's types, as `tsc -p typescript/tsconfig.bundler.json`
// (Vite, esbuild, webpack) and `tsc -p typescript/tsconfig.nodenext.json` (Node itself) check them.
import {
  createMfaClient,
  type LoginResult,
  MfaApiError,
  type MfaClient,
} from 'mfa-companion/client';
import type { MfaAuthenticatedDetail, MfaChallenge, MfaEnroll } from 'mfa-companion/elements';
import { generateCode, type OtpAccount, parseKeyUri, verifyCode } from 'mfa-companion/otp';
import {
  authenticatorFromPage,
  createVirtualAuthenticator,
  type QrPage,
  type VirtualAuthenticator,
} from 'mfa-companion/testing';
import {
  createVerifier,
  type PgPool,
  type Verifier,
  VerifierError,
  type VerifyResult,
} from 'mfa-companion/verifier';
import { type SecondFactorPassed, secondFactor } from 'mfa-companion/verifier/hono';

const account: OtpAccount = parseKeyUri('otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A');
export const code: string = generateCode(account, 0);
export const checked = verifyCode(account, code, { at: 0 });
export const client: MfaClient = createMfaClient({ baseUrl: 'http://127.0.0.1:8787' });
export const phone: VirtualAuthenticator = createVirtualAuthenticator({ now: () => 0 });
export const enroll: MfaEnroll = document.createElement('mfa-enroll');
export const challenge: MfaChallenge = document.createElement('mfa-challenge');
export const isApiError = (e: unknown): e is MfaApiError => e instanceof MfaApiError;
export const fromPage = (page: QrPage): Promise<VirtualAuthenticator> =>
  authenticatorFromPage(page);
export function onLogin(result: LoginResult, detail: MfaAuthenticatedDetail): string {
  return result.status === 'authenticated' ? result.user.username : detail.user.username;
}
export const opening: Promise<Verifier> = createVerifier({
  database: 'mfa.db',
  encryptionKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
});
export const withPool = (pool: PgPool) =>
  createVerifier({ database: pool, encryptionKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
export const secondStep = (verifier: Verifier) =>
  secondFactor(verifier, { userId: (c) => c.req.header('x-pending-user') ?? null });
export function describeVerify(result: VerifyResult, passed?: SecondFactorPassed): string {
  if (result.ok) return `${passed?.userId ?? '?'}: ${result.recoveryCodesLeft} recovery codes left`;
  return result.reason;
}
export const isLocked = (e: unknown) => e instanceof VerifierError && e.code === 'MFA_LOCKED';
