import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { AppEnv } from '../http/app-env.ts';
import { session } from '../routes/guards.ts';
import type { Deps } from '../services/deps.ts';
import { isSamlRefusal, SamlRefusal } from '../sso/saml-refusals.ts';
import type { SigningKeys } from '../sso/test-idp-keys.ts';
import { ASSETS_BASE, readBundleAssets } from './assets.ts';
import { Shell, type ShellProps } from './layout.tsx';
import { NAV, safeNext } from './nav.ts';
import { Forbidden, Loading, LoginForm } from './shells.tsx';
import { testIdpPages } from './test-idp.tsx';

/** Options of {@link bmsPages}. */
export interface BmsPagesOptions {
  /** The built bundle (`npm run build:bms`); default `dist/bms` of this checkout. */
  assetsDir?: string;
  /** The built-in test IdP's keys: mounts its pages at `/test-idp/` (demo only: sso/test-idp.ts). */
  testIdpKeys?: SigningKeys | null;
}

const defaultAssetsDir = fileURLToPath(new URL('../../dist/bms/', import.meta.url));

/**
 * The BMS pages (hono/jsx shells that load the `server/pages/client` bundle): `/login`,
 * `/profile`, `/admin/auth`, `/admin/employees`, `/admin/contacts`, `/admin/audit`, and the
 * bundle at `/assets/bms/`. Plug into `createApp({ pages })`.
 *
 * @example
 * const app = createApp({ store, config, pages: bmsPages() });
 */
export function bmsPages(options: BmsPagesOptions = {}) {
  const dir = options.assetsDir ?? defaultAssetsDir;
  const assets = readBundleAssets(dir);

  return (deps: Deps) => {
    const app = new Hono<AppEnv>();
    const brand = deps.config.issuer;

    // Hashed file names never change content: cache them for a year. Set on the answer itself:
    // a c.header() from serveStatic's onFound did not reach it in this sub-app (test: pages.test).
    app.use(`${ASSETS_BASE}*`, async (c, next) => {
      await next();
      if (c.res.status === 200) {
        c.res.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
      }
    });
    app.use(
      `${ASSETS_BASE}*`,
      serveStatic({ root: dir, rewriteRequestPath: (path) => path.slice(ASSETS_BASE.length - 1) }),
    );

    const page = (
      c: Context<AppEnv>,
      props: Omit<ShellProps, 'brand' | 'assets' | 'user' | 'path'>,
    ) => {
      const user = c.get('auth')?.user ?? null;
      c.header('Cache-Control', 'no-store');
      return c.html(
        html`<!doctype html>${<Shell {...props} brand={brand} assets={assets} user={user} path={c.req.path} />}`,
      );
    };

    if (options.testIdpKeys) app.route('/test-idp', testIdpPages(deps, options.testIdpKeys));

    app.use('*', session(deps));

    app.get('/', (c) => c.redirect(c.get('auth') ? '/profile' : '/login'));

    app.get('/login', async (c) => {
      const next = safeNext(c.req.query('next'));
      if (c.get('auth')) return c.redirect(next);
      const sso = (await deps.store.getSamlIdp()) !== null;
      const reason = c.req.query('sso_error');
      const ssoError = isSamlRefusal(reason) ? SamlRefusal[reason] : undefined;
      return page(c, {
        title: 'Sign in',
        page: 'login',
        children: <LoginForm next={next} sso={sso} {...(ssoError ? { ssoError } : {})} />,
      });
    });

    // Only reached when the bundle did not run: the password never goes into a URL (method=post).
    app.post('/login', (c) =>
      page(c, {
        title: 'Sign in',
        page: 'login',
        children: <LoginForm next={safeNext(c.req.query('next'))} />,
      }),
    );

    app.get('/profile', async (c) => {
      const user = c.get('auth')?.user;
      if (!user) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`);
      const policy = await deps.store.getPolicy();
      const required = policy.requireMfaForNonSsoUsers && user.authType === 'password';
      return page(c, {
        title: 'My Profile',
        page: 'profile',
        data: { 'policy-requires-mfa': String(required) },
        children: <Loading />,
      });
    });

    const adminPages: Record<string, { page: string; data?: Record<string, string> }> = {
      '/admin/auth': { page: 'policy' },
      '/admin/employees': { page: 'users', data: { kind: 'employee' } },
      '/admin/contacts': { page: 'users', data: { kind: 'contact' } },
      '/admin/audit': { page: 'audit' },
    };
    for (const item of NAV.filter((n) => n.admin)) {
      const spec = adminPages[item.path];
      if (!spec) continue;
      app.get(item.path, (c) => {
        const user = c.get('auth')?.user;
        if (!user) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`);
        if (user.role !== 'admin') {
          c.status(403);
          return page(c, { title: item.label, page: 'forbidden', children: <Forbidden /> });
        }
        return page(c, {
          title: item.label,
          trail: item.trail,
          page: spec.page,
          ...(spec.data ? { data: spec.data } : {}),
          children:
            item.path === '/admin/auth' ? (
              <>
                <Loading />
                <Loading id="sso-settings" />
              </>
            ) : (
              <Loading />
            ),
        });
      });
    }

    return app;
  };
}
