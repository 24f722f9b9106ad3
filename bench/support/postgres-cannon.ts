import autocannon from 'autocannon';

/**
 * Session reads (`GET /api/me` with a valid session cookie) from autocannon against every base
 * URL at once, as a round-robin balancer would spread them; returns the summed rate and the
 * worst instance's latency percentiles.
 *
 * @example const figures = await sessionReads([a, b], cookie, 5);
 */
export async function sessionReads(bases: string[], cookie: string, seconds: number) {
  const results = await Promise.all(
    bases.map((base) =>
      autocannon({
        url: `${base}/api/me`,
        connections: Math.max(4, Math.floor(32 / bases.length)),
        duration: seconds,
        headers: { cookie, origin: base },
      }),
    ),
  );
  return {
    perSecond: results.reduce((sum, r) => sum + r.requests.average, 0),
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    errors: results.reduce((sum, r) => sum + r.non2xx + r.errors, 0),
  };
}
