import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { generateServiceProviderMetadata } from '@node-saml/node-saml';
import type { Context } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import { AuditAction, audit } from '../services/audit.ts';
import type { Deps } from '../services/deps.ts';
import { startSession } from '../services/sessions.ts';
import {
  finishSsoLogin,
  SAML_REQUEST_TTL_MS,
  SsoRefused,
  safeNext,
  startSsoLogin,
} from '../services/sso-login.ts';
import { SAML_PATHS, spUrls } from '../sso/sp-urls.ts';
import {
  clearSsoRequestCookie,
  readSsoRequest,
  setSessionCookie,
  setSsoRequestCookie,
} from './cookies.ts';
import { API_BASE, routeDefiner } from './guards.ts';
import * as s from './schemas.ts';

const tags = ['sso'];
const local = (path: string) => path.slice(API_BASE.length);

const AcsForm = z.object({
  SAMLResponse: z.string().min(1),
  RelayState: z.string().max(1024).optional(),
});

/** A browser navigation (the IdP's auto-posted form), not an API client. */
const wantsPage = (c: Context) => (c.req.header('accept') ?? '').includes('text/html');

/**
 * The SAML 2.0 service provider: its metadata, SP-initiated sign-in (HTTP-Redirect) and the
 * assertion consumer service (HTTP-POST, exempt from the same-origin check: see http/csrf.ts).
 */
export function ssoRoutes(deps: Deps) {
  const route = routeDefiner(deps);
  const metadata = createRoute({
    method: 'get',
    path: local(SAML_PATHS.metadata),
    tags,
    summary: 'SAML 2.0 SP metadata (entity id = this URL, the ACS with HTTP-POST)',
    responses: {
      200: {
        content: { 'application/samlmetadata+xml': { schema: z.string() } },
        description: 'the SP metadata XML',
      },
    },
  });
  const login = route(
    {
      method: 'get',
      path: local(SAML_PATHS.login),
      tags,
      summary: 'Start an SSO sign-in: redirect to the IdP with an AuthnRequest',
      request: { query: z.object({ next: z.string().max(256).optional() }) },
      responses: {
        302: { description: 'to the IdP (HTTP-Redirect binding)' },
        ...s.errors(400, 404, 429),
      },
    },
    { access: 'anyone', rateLimited: true },
  );
  const acs = route(
    {
      method: 'post',
      path: local(SAML_PATHS.acs),
      tags,
      summary: 'Assertion consumer service: the IdP’s signed response (HTTP-POST binding)',
      request: {
        body: {
          content: { 'application/x-www-form-urlencoded': { schema: AcsForm } },
          required: true,
        },
      },
      responses: {
        303: { description: 'signed in: to RelayState (a local path) or /; refused: to /login' },
        ...s.errors(400, 401, 404, 429),
      },
    },
    { access: 'session', rateLimited: true },
  );

  const app = new OpenAPIHono<AppEnv>();

  app.openapi(metadata, (c) => {
    const { entityId, acsUrl } = spUrls(c, deps.config);
    const xml = generateServiceProviderMetadata({
      issuer: entityId,
      callbackUrl: acsUrl,
      wantAssertionsSigned: true,
    });
    return c.body(xml, 200, { 'Content-Type': 'application/samlmetadata+xml; charset=utf-8' });
  });

  app.openapi(login, async (c) => {
    const { url, requestId } = await startSsoLogin(
      deps,
      spUrls(c, deps.config),
      c.req.valid('query').next ?? '/',
    );
    setSsoRequestCookie(c, deps.config, requestId, SAML_REQUEST_TTL_MS);
    return c.redirect(url, 302);
  });

  app.openapi(acs, async (c) => {
    const { SAMLResponse, RelayState } = c.req.valid('form');
    let user: Awaited<ReturnType<typeof finishSsoLogin>>;
    try {
      user = await finishSsoLogin(
        deps,
        spUrls(c, deps.config),
        SAMLResponse,
        c.get('ip'),
        readSsoRequest(c),
      );
    } catch (error) {
      if (error instanceof SsoRefused && wantsPage(c)) {
        return c.redirect(`/login?sso_error=${error.reason}`, 303);
      }
      throw error;
    }
    // SSO users are not asked for a code: the IdP authenticated them (the BMS rule).
    const { token } = await startSession(deps, user, c.get('ip'), c.get('auth')?.session.id);
    setSessionCookie(c, deps.config, token);
    clearSsoRequestCookie(c, deps.config);
    await audit(
      deps,
      { username: user.username, ip: c.get('ip') },
      AuditAction.SSO_SUCCEEDED,
      user.username,
    );
    return c.redirect(safeNext(RelayState), 303);
  });

  return app;
}
