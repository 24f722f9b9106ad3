import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createMfaClient } from './create-mfa-client.ts';
import { MfaApiError } from './mfa-api-error.ts';

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describe('client transport', () => {
  it('turns an unreachable server into MfaApiError NETWORK_ERROR with status 0', async () => {
    const client = createMfaClient({ baseUrl: `http://127.0.0.1:${await closedPort()}` });
    const error = await client.health().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MfaApiError);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });

  it('refuses a relative baseUrl outside a browser, where a cookie jar needs an origin', () => {
    expect(() => createMfaClient({ baseUrl: '/api' })).toThrow(TypeError);
  });

  it('reports a non-JSON error page (a proxy 502) as INVALID_RESPONSE with its status, and reads Retry-After on any status', async () => {
    const server = createHttpServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html', 'retry-after': '3' });
      res.end('<html><body>Bad gateway</body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const error = await createMfaClient({ baseUrl: `http://127.0.0.1:${port}` })
        .health()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MfaApiError);
      expect(error).toMatchObject({ code: 'INVALID_RESPONSE', status: 502, retryAfter: 3 });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
