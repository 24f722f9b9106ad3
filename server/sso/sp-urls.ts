import type { Context } from 'hono';
import type { Config } from '../config/config.ts';

/** Where the service provider's routes live under the API (stable: IdPs are configured with them). */
export const SAML_PATHS = {
  metadata: '/api/sso/saml/metadata',
  login: '/api/sso/saml/login',
  acs: '/api/sso/saml/acs',
} as const;

/** The SP's names as the IdP knows them. */
export interface SpUrls {
  /** The SP's entity id: its metadata URL (the `Audience` its assertions must name). */
  entityId: string;
  /** The assertion consumer service: the only `Destination` and `Recipient` accepted. */
  acsUrl: string;
}

/**
 * The SP's URLs on the first PUBLIC_ORIGIN when one is set (a stable entity id, whatever `Host`
 * the request came with), else on this request's origin (behind a trusted proxy, the one it was
 * reached at). `Host` is allowlisted before any route runs (http/allowed-hosts.ts).
 *
 * @example const { entityId, acsUrl } = spUrls(c, deps.config);
 */
export function spUrls(c: Context, config: Pick<Config, 'publicOrigins' | 'trustProxy'>): SpUrls {
  const origin = config.publicOrigins[0] ?? requestOrigin(c, config.trustProxy);
  return { entityId: `${origin}${SAML_PATHS.metadata}`, acsUrl: `${origin}${SAML_PATHS.acs}` };
}

function requestOrigin(c: Context, trustProxy: number): string {
  const own = new URL(c.req.url).origin;
  if (trustProxy === 0) return own;
  const proto = c.req.header('x-forwarded-proto')?.split(',').at(-1)?.trim().toLowerCase();
  const host = c.req.header('x-forwarded-host')?.split(',')[0]?.trim();
  if (!host || (proto !== 'http' && proto !== 'https')) return own;
  try {
    return new URL(`${proto}://${host}`).origin;
  } catch {
    return own;
  }
}
