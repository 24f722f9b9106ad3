import { ClientErrorCodes } from './client-error-codes.ts';
import type { CookieJar } from './cookie-jar.ts';
import { MfaApiError, parseRetryAfter } from './mfa-api-error.ts';

/** What a {@link Transport} needs: where the API is and how to reach it. */
export interface TransportOptions {
  /** Origin (and optional path prefix) of the server; '' means the page's own origin. */
  baseUrl: string;
  fetch: typeof fetch;
  credentials: RequestCredentials;
  /** When set (Node), cookies live here and every request carries `Origin: <baseUrl origin>`. */
  jar?: CookieJar | undefined;
}

/** One API call: method, path under the base URL, optional JSON body and query. */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
}

/** Sends an {@link ApiRequest} and returns the parsed JSON (undefined for 204). */
export type Transport = <T>(request: ApiRequest) => Promise<T>;

/**
 * Builds the fetch wrapper every client method goes through: JSON in and out, cookies, the
 * `Origin` header the server's CSRF check wants from non-browser callers, and one error class.
 *
 * @example const send = createTransport({ baseUrl: '', fetch, credentials: 'same-origin' });
 */
export function createTransport({
  baseUrl,
  fetch: doFetch,
  credentials,
  jar,
}: TransportOptions): Transport {
  const base = baseUrl.replace(/\/+$/, '');
  const origin = jar ? new URL(baseUrl).origin : undefined;

  return async function send<T>({ method, path, body, query }: ApiRequest): Promise<T> {
    const headers = new Headers({ accept: 'application/json' });
    if (body !== undefined) headers.set('content-type', 'application/json');
    if (jar) {
      // Browsers set Origin themselves and forbid scripts to; Node sends none unless told.
      if (origin) headers.set('origin', origin);
      const cookie = jar.header();
      if (cookie) headers.set('cookie', cookie);
    }
    let response: Response;
    try {
      response = await doFetch(base + path + queryString(query), {
        method,
        headers,
        credentials,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new MfaApiError({
        code: ClientErrorCodes.NETWORK_ERROR,
        message: 'The server could not be reached.',
        status: 0,
        cause,
      });
    }
    jar?.store(response.headers);
    if (response.ok) return (response.status === 204 ? undefined : await readJson(response)) as T;
    throw await toError(response);
  };
}

function queryString(query: ApiRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new MfaApiError({
      code: ClientErrorCodes.INVALID_RESPONSE,
      message: 'The server answered with something other than JSON.',
      status: response.status,
      cause,
    });
  }
}

async function toError(response: Response): Promise<MfaApiError> {
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch {
    body = undefined;
  }
  const error = isErrorBody(body) ? body.error : undefined;
  return new MfaApiError({
    code: error?.code ?? ClientErrorCodes.INVALID_RESPONSE,
    message: error?.message ?? `The server answered HTTP ${response.status}.`,
    status: response.status,
    retryAfter,
  });
}

function isErrorBody(body: unknown): body is { error: { code: string; message: string } } {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const { error } = body as { error: unknown };
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}
