/**
 * Codes the client itself produces, for failures that never reached the server's error map
 * (`error-codes.ts`): the network was down, or the answer was not the API's JSON.
 */
export const ClientErrorCodes = {
  /** `fetch` rejected: offline, DNS, connection refused, CORS, aborted. */
  NETWORK_ERROR: 'NETWORK_ERROR',
  /** The server answered with something that is not the API's JSON (a proxy page, a crash). */
  INVALID_RESPONSE: 'INVALID_RESPONSE',
} as const;

/** One of {@link ClientErrorCodes}. */
export type ClientErrorCode = (typeof ClientErrorCodes)[keyof typeof ClientErrorCodes];
