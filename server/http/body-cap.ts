import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * Caps request bodies at `maxSize` bytes. A body with a `Content-Length` (and no
 * `Transfer-Encoding`) is judged by that header alone — Node's HTTP parser delivers exactly that
 * many bytes — so the request is never rebuilt as a web `Request` with a body stream (the costly
 * part of Hono's `bodyLimit`, about a fifth of a JSON POST's CPU). Chunked bodies go through
 * `bodyLimit`, which counts the bytes as they arrive.
 *
 * @example app.use('/api/*', bodyCap(64 * 1024, () => { throw tooLarge(); }));
 */
export function bodyCap(
  maxSize: number,
  onError: (c: Context) => Response | Promise<Response>,
): MiddlewareHandler {
  const streamed = bodyLimit({ maxSize, onError });
  return async (c, next) => {
    const method = c.req.method;
    // Node's Request has no body for these (Hono's bodyLimit passes them too).
    if (method === 'GET' || method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number.parseInt(length, 10) > maxSize ? onError(c) : next();
    }
    return streamed(c, next);
  };
}
