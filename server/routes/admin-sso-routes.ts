import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ErrorCode } from '../../sdk/client/error-codes.ts';
import { AppError } from '../errors.ts';
import { type AppEnv, actorOf } from '../http/app-env.ts';
import { AuditAction, audit } from '../services/audit.ts';
import type { Deps } from '../services/deps.ts';
import { parseIdpInput } from '../sso/idp-metadata.ts';
import { spUrls } from '../sso/sp-urls.ts';
import { routeDefiner } from './guards.ts';
import * as s from './schemas.ts';

const tags = ['admin'];
const JitKind = z.enum(['employee', 'contact']).nullable().optional();

/** Either the IdP's metadata XML or its three values; just-in-time creation off unless given. */
export const SamlIdpBody = z
  .union([
    z.strictObject({ metadataXml: z.string().min(1).max(200_000), jitKind: JitKind }),
    z.strictObject({
      entityId: z.string().min(1).max(1024),
      ssoUrl: z.string().min(1).max(2048),
      certificate: z.string().min(1).max(20_000),
      jitKind: JitKind,
    }),
  ])
  .openapi('SamlIdpInput');

const SamlSettings = z
  .object({
    idp: z
      .object({
        entityId: z.string(),
        ssoUrl: z.string(),
        certificate: z.string(),
        jitKind: z.enum(['employee', 'contact']).nullable(),
        updatedAt: z.string(),
      })
      .nullable(),
    sp: z.object({ entityId: z.string(), acsUrl: z.string(), metadataUrl: z.string() }),
  })
  .openapi('SamlSettings');

/** Admin > My Company > Auth and Provision: the SAML IdP the company signs in with. */
export function adminSsoRoutes(deps: Deps) {
  const route = routeDefiner(deps);
  const path = '/admin/sso/saml';
  const get = route(
    {
      method: 'get',
      path,
      tags,
      summary: 'The configured SAML IdP (null when SSO is off) and the SP values to give it',
      responses: { ...s.ok(SamlSettings, 'the settings'), ...s.errors(401, 403) },
    },
    { access: 'admin' },
  );
  const put = route(
    {
      method: 'put',
      path,
      tags,
      summary: 'Configure the SAML IdP from its metadata XML or entity id, SSO URL and certificate',
      request: s.json(SamlIdpBody),
      responses: { ...s.ok(SamlSettings, 'the settings'), ...s.errors(400, 401, 403) },
    },
    { access: 'admin' },
  );
  const remove = route(
    {
      method: 'delete',
      path,
      tags,
      summary: 'Remove the IdP: SSO sign-in is off',
      responses: { 204: { description: 'removed' }, ...s.errors(401, 403) },
    },
    { access: 'admin' },
  );

  const app = new OpenAPIHono<AppEnv>();

  const settings = async (c: Context<AppEnv>) => {
    const idp = await deps.store.getSamlIdp();
    const sp = spUrls(c, deps.config);
    return {
      idp: idp ? { ...idp, updatedAt: new Date(idp.updatedAt).toISOString() } : null,
      // The entity id is the metadata URL.
      sp: { ...sp, metadataUrl: sp.entityId },
    };
  };

  app.openapi(get, async (c) => c.json(await settings(c), 200));

  app.openapi(put, async (c) => {
    const parsed = parseIdpInput(c.req.valid('json'));
    if (!parsed.ok) {
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `Invalid IdP configuration: ${parsed.problem}`,
      );
    }
    await deps.store.setSamlIdp(parsed.config, deps.clock.now());
    await audit(deps, actorOf(c), AuditAction.SSO_CONFIGURED, parsed.config.entityId);
    return c.json(await settings(c), 200);
  });

  app.openapi(remove, async (c) => {
    await deps.store.setSamlIdp(null, deps.clock.now());
    await audit(deps, actorOf(c), AuditAction.SSO_CONFIGURED, 'removed');
    return c.body(null, 204);
  });

  return app;
}
