import { inflateRawSync } from 'node:zlib';
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { AppEnv } from '../http/app-env.ts';
import type { Deps } from '../services/deps.ts';
import { responseXml, signResponse } from '../sso/saml-response.ts';
import { spUrls } from '../sso/sp-urls.ts';
import { TEST_IDP_ENTITY_ID } from '../sso/test-idp.ts';
import type { SigningKeys } from '../sso/test-idp-keys.ts';

/** What the test IdP needs of an AuthnRequest: its id, and that it is this server's. */
function readRequest(samlRequest: string | undefined): { id: string; acs: string } | null {
  if (!samlRequest || samlRequest.length > 20_000) return null;
  try {
    const xml = inflateRawSync(Buffer.from(samlRequest, 'base64'), {
      maxOutputLength: 50_000,
    }).toString('utf8');
    const id = /\sID="([A-Za-z_][\w.-]*)"/.exec(xml)?.[1];
    const acs = /\sAssertionConsumerServiceURL="([^"]+)"/.exec(xml)?.[1];
    return id && acs ? { id, acs } : null;
  } catch {
    return null;
  }
}

function TestIdpPage(props: { title: string; children: unknown }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* Under the pages' no-referrer a form post says `Origin: null`, which the CSRF check
            refuses: same-origin keeps it the server's own (and still tells other sites nothing). */}
        <meta name="referrer" content="same-origin" />
        <title>{props.title} — TEST IdP</title>
      </head>
      <body style="font: 1.125rem/1.5 system-ui, sans-serif; margin: 0; background: #fff8e1">
        <p
          role="note"
          style="margin: 0; padding: 0.75rem 1rem; background: #b71c1c; color: #fff; font-weight: 700"
        >
          TEST identity provider, built into the demo. Anyone can sign in here as any name: never
          use it for real accounts.
        </p>
        <main style="max-width: 32rem; margin: 0 auto; padding: 1rem">
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

const field = 'display: block; width: 100%; font: inherit; padding: 0.5rem; margin: 0.25rem 0 1rem';
const button =
  'font: inherit; font-weight: 700; min-height: 44px; padding: 0.5rem 1.25rem; border-radius: 6px; border: 0; background: #1a56db; color: #fff';

/**
 * The built-in test IdP (on only with the seeded demo, see sso/test-idp.ts): answers this
 * server's AuthnRequests with a response signed by the key in DATA_DIR for the name typed, so
 * testers can play an SSO sign-in with `npm start` alone. Two plain forms, no script (the pages'
 * CSP): sign in as a name, then post the signed response to the ACS.
 */
export function testIdpPages(deps: Deps, keys: SigningKeys) {
  const app = new Hono<AppEnv>();
  const page = (c: Context<AppEnv>, title: string, body: unknown) => {
    c.header('Cache-Control', 'no-store');
    return c.html(html`<!doctype html>${<TestIdpPage title={title}>{body}</TestIdpPage>}`);
  };
  const notOurs = (c: Context<AppEnv>) => {
    c.status(400);
    return page(
      c,
      'Not a sign-in of this server',
      <p>
        This test IdP answers only sign-ins started by this server's "Sign in with SSO".{' '}
        <a href="/login">Back to sign in</a>
      </p>,
    );
  };

  app.get('/sso', (c) => {
    const request = readRequest(c.req.query('SAMLRequest'));
    if (!request || request.acs !== spUrls(c, deps.config).acsUrl) return notOurs(c);
    return page(
      c,
      'Sign in (test IdP)',
      <form method="post" action="/test-idp/sso">
        <input type="hidden" name="requestId" value={request.id} />
        <input type="hidden" name="relayState" value={c.req.query('RelayState') ?? ''} />
        <label for="nameId" style="font-weight: 600">
          Sign in as (NameID)
        </label>
        <input id="nameId" name="nameId" value="erin@demo.test" autocomplete="off" style={field} />
        <button type="submit" style={button}>
          Sign in as this user
        </button>
      </form>,
    );
  });

  app.post('/sso', async (c) => {
    const form = await c.req.parseBody();
    const text = (name: string) => (typeof form[name] === 'string' ? String(form[name]) : '');
    const requestId = text('requestId');
    const nameId = text('nameId').trim().toLowerCase();
    if (!/^[A-Za-z_][\w.-]{0,200}$/.test(requestId) || !nameId || nameId.length > 254) {
      return notOurs(c);
    }
    const sp = spUrls(c, deps.config);
    const xml = responseXml(
      {
        issuer: TEST_IDP_ENTITY_ID,
        nameId,
        audience: sp.entityId,
        acsUrl: sp.acsUrl,
        inResponseTo: requestId,
      },
      deps.clock.now(),
    );
    const signed = Buffer.from(signResponse(xml, keys, 'assertion')).toString('base64');
    return page(
      c,
      'Signed in at the test IdP',
      <form method="post" action={sp.acsUrl}>
        <input type="hidden" name="SAMLResponse" value={signed} />
        <input type="hidden" name="RelayState" value={text('relayState')} />
        <p>
          The test IdP signed an assertion for <strong>{nameId}</strong>.
        </p>
        <button type="submit" style={button}>
          Continue to MFA Companion
        </button>
      </form>,
    );
  });

  return app;
}
