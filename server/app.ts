import {
  createServer as createHttpServer,
  type RequestListener,
  type ServerOptions,
} from 'node:http';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { ErrorCode } from '../sdk/client/error-codes.ts';
import type { Config } from './config/config.ts';
import { type Keyring, loadKeyring } from './crypto/keyring.ts';
import { createPasswordHasher, type PasswordHasher } from './crypto/passwords.ts';
import { cryptoRandom, type Random } from './crypto/tokens.ts';
import { ApiError, renderError, validationFailed } from './http/api-error.ts';
import type { AppEnv } from './http/app-env.ts';
import { bodyCap } from './http/body-cap.ts';
import { type AddressResolver, clientAddress } from './http/client-address.ts';
import { codeStepFastPath } from './http/code-step-fast-path.ts';
import { sameOriginOnly } from './http/csrf.ts';
import { rateLimit, session } from './http/guards.ts';
import { mountPwa } from './http/pwa-static.ts';
import { securityHeaders } from './http/security-headers.ts';
import { type Logger, silentLogger } from './logger.ts';
import { adminRoutes } from './routes/admin-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { meRoutes } from './routes/me-routes.ts';
import type { Clock, Deps } from './services/deps.ts';
import { systemClock } from './services/deps.ts';
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

/** Routes with a per-address rate limit: every login step and every route that checks a code. */
const limited = [
  '/api/login',
  '/api/login/mfa',
  '/api/login/mfa/setup',
  '/api/login/mfa/setup/verify',
  '/api/me/mfa/setup',
  '/api/me/mfa/enable',
  '/api/me/mfa/recovery-codes',
  '/api/me/mfa/disable',
];

/**
 * Builds the server: the API at /api (validated by the same zod schemas that produce
 * /api/openapi.json), the PWA at /app/ when built, and optional pages at /.
 *
 * @example
 * const app = createApp({ store, config, clock: { now: () => fixedTime } });
 * const res = await app.request('/api/health');
 */
export function createApp(options: AppOptions) {
  return appWithDeps(options, depsOf(options));
}

/**
 * {@link createApp} and what the Node entry point serves it with: `createServer`, for
 * `@hono/node-server`'s `serve()`, makes a `node:http` server that answers the login's code step
 * on its direct path (`http/code-step-fast-path.ts`) and hands every other request to Hono.
 *
 * @example
 * const { app, createServer } = createNodeApp({ store, config });
 * serve({ fetch: app.fetch, port: 8787, createServer });
 */
export function createNodeApp(options: AppOptions) {
  const deps = depsOf(options);
  const app = appWithDeps(options, deps);
  const fast = codeStepFastPath(deps, deps.logger);
  const createServer = ((serverOptions: ServerOptions, listener: RequestListener) =>
    createHttpServer(serverOptions, (req, res) => {
      let answered = false;
      try {
        answered = fast(req, res);
      } catch (error) {
        // A fault in the direct path's checks must not take the server down: Hono answers.
        deps.logger.error('direct path failed', { path: req.url, error: (error as Error).name });
      }
      if (!answered) listener(req, res);
    })) as typeof createHttpServer;
  return { app, createServer };
}

function depsOf(options: AppOptions): Deps {
  const { config } = options;
  return {
    store: options.store,
    config,
    clock: options.clock ?? systemClock,
    random: options.random ?? cryptoRandom,
    keyring: options.keyring ?? loadKeyring(config),
    hasher: options.hasher ?? createPasswordHasher(config.argon2),
    logger: options.logger ?? silentLogger,
  };
}

function appWithDeps(options: AppOptions, deps: Deps) {
  const { config, logger } = deps;

  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationFailed(result.error.issues);
    },
  });
  app.onError(renderError(logger));
  app.notFound(() => {
    throw new ApiError(404, ErrorCode.NOT_FOUND, 'No such route.');
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
  app.use('*', securityHeaders());
  app.use('/api/*', async (c, next) => {
    await next();
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  });
  app.use(
    '/api/*',
    bodyCap(config.limits.bodyLimitBytes, () => {
      throw new ApiError(413, ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large.');
    }),
  );
  app.use('*', sameOriginOnly({ trustProxy: config.trustProxy, allowed: config.publicOrigins }));
  for (const path of limited) app.use(path, rateLimit(deps, { name: path }));
  app.use('/api/login', session(deps));
  app.use('/api/login/*', session(deps));
  app.use('/api/logout', session(deps));
  app.use('/api/me', session(deps, { required: true }));
  app.use('/api/me/*', session(deps, { required: true }));
  app.use('/api/admin/*', session(deps, { required: true, admin: true }));

  const api = new OpenAPIHono<AppEnv>();
  api.route('/', authRoutes(deps));
  api.route('/', meRoutes(deps));
  api.route('/', adminRoutes(deps));
  api.route('/', healthRoutes(deps));
  app.route('/api', api);
  app.doc31('/api/openapi.json', {
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
