import { OpenAPIHono } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ErrorCode } from '../sdk/client/error-codes.ts';
import type { Keyring } from '../sdk/verifier/secret-box.ts';
import type { Config } from './config/config.ts';
import { loadKeyring } from './crypto/keyring.ts';
import { createPasswordHasher, type PasswordHasher } from './crypto/passwords.ts';
import { cryptoRandom, type Random } from './crypto/tokens.ts';
import { AppError } from './errors.ts';
import { allowedHostsOnly } from './http/allowed-hosts.ts';
import { allowedMethods } from './http/allowed-methods.ts';
import { renderError, validationFailed } from './http/api-error.ts';
import type { AppEnv } from './http/app-env.ts';
import { areaSecureHeaders } from './http/area-headers.ts';
import { type AddressResolver, clientAddress } from './http/client-address.ts';
import { sameOriginOnly } from './http/csrf.ts';
import { mountPwa } from './http/pwa-static.ts';
import { type Logger, silentLogger } from './logger.ts';
import { apiRoutes } from './routes/api.ts';
import { API_BASE } from './routes/guards.ts';
import type { Clock, Deps } from './services/deps.ts';
import { systemClock } from './services/deps.ts';
import { secondFactorFlows } from './services/second-factor.ts';
import { SAML_RESPONSE_MAX_BYTES } from './sso/saml-validate.ts';
import { SAML_PATHS } from './sso/sp-urls.ts';
import type { Store } from './store/contract.ts';

export interface AppOptions {
  store: Store;
  config: Config;
  clock?: Clock;
  random?: Random;
  logger?: Logger;
  /** Default: from the config (MFA_ENCRYPTION_KEY or the key file in DATA_DIR). */
  keyring?: Keyring;
  /** Default: argon2id with `config.argon2`. */
  hasher?: PasswordHasher;
  /** The socket's address (the Node entry point passes getConnInfo's). */
  socketAddress?: AddressResolver;
  /**
   * Extra route modules mounted at `/` after the API and the PWA — the BMS pages
   * (`server/pages/index.ts`, hono/jsx) plug in here with the same deps.
   */
  pages?: (deps: Deps) => Hono<AppEnv>;
}

/**
 * Builds the server: the API at /api (validated by the same zod schemas that produce
 * /api/openapi.json), the PWA at /app/ when built, and optional pages at /. Every request goes
 * through the one middleware chain below and is answered or refused by the one `onError`.
 *
 * @example
 * const app = createApp({ store, config, clock: { now: () => fixedTime } });
 * const res = await app.request('/api/health');
 */
export function createApp(options: AppOptions) {
  const deps = depsOf(options);
  const { config, logger } = deps;

  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationFailed(result.error.issues);
    },
  });
  app.onError(renderError(logger));
  // Built on the first miss, when every route is registered.
  let allowed: ((path: string) => string[]) | undefined;
  app.notFound((c) => {
    allowed ??= allowedMethods(app.routes);
    const methods = allowed(c.req.path);
    if (methods.length > 0) {
      c.header('Allow', methods.join(', '));
      throw new AppError(
        ErrorCode.METHOD_NOT_ALLOWED,
        `This path answers ${methods.join(', ')} only.`,
      );
    }
    throw new AppError(ErrorCode.NOT_FOUND, 'No such route.');
  });

  app.use('*', async (c, next) => {
    const started = performance.now();
    c.set('ip', clientAddress(c, config.trustProxy, options.socketAddress));
    await next();
    logger.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      ip: c.get('ip'),
    });
  });
  app.use('*', allowedHostsOnly({ trustProxy: config.trustProxy, hosts: config.allowedHosts }));
  app.use('*', areaSecureHeaders({ trustProxy: config.trustProxy, hstsMaxAge: config.hstsMaxAge }));
  app.use(`${API_BASE}/*`, async (c, next) => {
    await next();
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  });
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large.');
      },
    });
  const apiLimit = limit(config.limits.bodyLimitBytes);
  // A signed SAML response with its certificate is larger than any JSON body (form-encoded base64).
  const acsLimit = limit(SAML_RESPONSE_MAX_BYTES * 2);
  // So is an IdP's metadata (several certificates, often over 16 KiB).
  const large = new Set<string>([SAML_PATHS.acs, `${API_BASE}/admin/sso/saml`]);
  app.use(`${API_BASE}/*`, (c, next) => (large.has(c.req.path) ? acsLimit : apiLimit)(c, next));
  app.use(
    '*',
    sameOriginOnly({
      trustProxy: config.trustProxy,
      allowed: config.publicOrigins,
      exempt: [SAML_PATHS.acs],
    }),
  );
  // Rate limits and sessions are each route's own middleware (routes/guards.ts).
  app.route(API_BASE, apiRoutes(deps));
  app.doc31(`${API_BASE}/openapi.json`, {
    openapi: '3.1.0',
    info: {
      title: 'MFA Companion verification server',
      version: '0.1.0',
      description:
        'Errors: `{ error: { code, message } }`. Browsers authenticate with the HttpOnly `mfa_session` cookie.',
    },
  });

  mountPwa(app, config.pwaDir);
  if (options.pages) app.route('/', options.pages(deps));
  return app;
}

export type App = ReturnType<typeof createApp>;

function depsOf(options: AppOptions): Deps {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? cryptoRandom;
  const keyring = options.keyring ?? loadKeyring(config);
  return {
    store: options.store,
    config,
    clock,
    random,
    keyring,
    mfa: secondFactorFlows(config, clock, random, keyring),
    hasher: options.hasher ?? createPasswordHasher(config.argon2),
    logger: options.logger ?? silentLogger,
  };
}
