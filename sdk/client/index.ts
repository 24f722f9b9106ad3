/**
 * `sdk/client`: the typed fetch client for the MFA Companion server (docs/api.md).
 *
 * @example
 * import { createMfaClient, MfaApiError } from 'mfa-companion/client';
 */
export { type ClientErrorCode, ClientErrorCodes } from './client-error-codes.ts';
export { type CookieJar, createCookieJar } from './cookie-jar.ts';
export { createMfaClient, type MfaClient, type MfaClientOptions } from './create-mfa-client.ts';
export { type ApiErrorBody, ErrorCode } from './error-codes.ts';
export {
  MfaApiError,
  type MfaApiErrorInit,
  type MfaErrorCode,
  parseRetryAfter,
} from './mfa-api-error.ts';
export type * from './types.ts';
