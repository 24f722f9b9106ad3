/**
 * The SAML 2.0 service provider over HTTP, with real signed responses: metadata, SP-initiated
 * sign-in, and every refusal of the assertion consumer service with its audit event.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { responseXml, signResponse } from '../../server/sso/saml-response.ts';
import { type Client, errorCode, type Harness, makeHarness } from './harness.ts';
import {
  ACS_URL,
  configureIdp,
  fieldsFor,
  IDP_SSO_URL,
  postToAcs,
  SP_ENTITY_ID,
  signedResponse,
  ssoSignIn,
  startSso,
  testKeys,
} from './saml-steps.ts';

const ERIN = 'erin@demo.test';

describe('SAML service provider', () => {
  let h: Harness;
  /** The browser a test signs in with: an IdP's answer counts only in the browser that asked. */
  let browser: Client;
  beforeEach(async () => {
    h = await makeHarness();
    browser = h.client();
    await h.user('alice@demo.test');
    await h.user(ERIN, { authType: 'saml' });
    await configureIdp(h.store, h.now());
  });

  /** The audit targets of `sso.refused` events, oldest first. */
  const refusals = async () =>
    (await h.store.listAudit({ limit: 50, action: 'sso.refused' })).events
      .map((e) => e.target)
      .reverse();

  /** Posts `xml` and expects SSO_REFUSED with `reason` audited. */
  async function expectRefused(xml: string, reason: string, client = browser) {
    const res = await postToAcs(client, xml);
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('SSO_REFUSED');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('mfa_session='))).toBe(false);
    expect((await refusals()).at(-1)?.split(':')[0]).toBe(reason);
    expect((await client.get('/api/me')).status).toBe(401);
  }

  it('serves SP metadata naming its entity id and the HTTP-POST ACS', async () => {
    const res = await h.client().get('/api/sso/saml/metadata');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/samlmetadata\+xml/);
    const xml = await res.text();
    expect(xml).toContain(`entityID="${SP_ENTITY_ID}"`);
    expect(xml).toContain(
      `Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${ACS_URL}"`,
    );
  });

  it('takes its entity id from PUBLIC_ORIGIN when set, whatever the Host', async () => {
    const pub = await makeHarness({ config: { publicOrigins: ['https://bms.example.com'] } });
    const xml = await (await pub.client().get('/api/sso/saml/metadata')).text();
    expect(xml).toContain('entityID="https://bms.example.com/api/sso/saml/metadata"');
    expect(xml).toContain('Location="https://bms.example.com/api/sso/saml/acs"');
  });

  it('redirects to the IdP with a deflated AuthnRequest it remembers, and a local RelayState', async () => {
    const { id, request, location, relayState } = await startSso(browser, '/profile');
    expect(`${location.origin}${location.pathname}`).toBe(IDP_SSO_URL);
    expect(request).toContain(`AssertionConsumerServiceURL="${ACS_URL}"`);
    expect(request).toContain(
      `<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${SP_ENTITY_ID}</saml:Issuer>`,
    );
    expect(relayState).toBe('/profile');
    // Remembered: its answer is taken once.
    expect(await h.store.consumeSamlRequest(id, h.now())).toBe(true);
    const other = await startSso(browser, 'https://evil.example/');
    expect(other.relayState).toBe('/');
  });

  it('answers SSO_NOT_CONFIGURED without an IdP', async () => {
    await h.store.setSamlIdp(null, h.now());
    const res = await h.client().get('/api/sso/saml/login');
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('SSO_NOT_CONFIGURED');
  });

  it.each(['assertion', 'response'] as const)(
    'signs an SSO user in from a cross-site post of a signed %s, without a code',
    async (what) => {
      const client = h.client();
      const { id } = await startSso(client, '/profile');
      const res = await postToAcs(client, signedResponse(fieldsFor(ERIN, id), h.now(), what), {
        relayState: '/profile',
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/profile');
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('mfa_session='));
      expect(cookie).toMatch(/HttpOnly/);
      const me = (await (await client.get('/api/me')).json()) as { user: { username: string } };
      expect(me.user.username).toBe(ERIN);
      const events = (await h.store.listAudit({ limit: 5, action: 'sso.succeeded' })).events;
      expect(events.map((e) => [e.actor, e.target])).toEqual([[ERIN, ERIN]]);
      // Its request is answered.
      expect(await h.store.consumeSamlRequest(id, h.now())).toBe(false);
    },
  );

  it('never redirects off the site after a sign-in', async () => {
    const client = h.client();
    const { id } = await startSso(client);
    const res = await postToAcs(client, signedResponse(fieldsFor(ERIN, id), h.now()), {
      relayState: '//evil.example/x',
    });
    expect(res.headers.get('location')).toBe('/');
  });

  it('accepts time conditions off by less than the 30 s clock skew', async () => {
    const client = h.client();
    const { id } = await startSso(client);
    const f = {
      ...fieldsFor(ERIN, id),
      notBefore: h.now() + 20_000,
      notOnOrAfter: h.now() - 20_000,
    };
    expect((await postToAcs(client, signedResponse(f, h.now()))).status).toBe(303);
  });

  it('refuses an unsigned response', async () => {
    const { id } = await startSso(browser);
    await expectRefused(responseXml(fieldsFor(ERIN, id), h.now()), 'unsigned');
  });

  it('refuses a response signed by another key, even one carrying its own certificate', async () => {
    const { id } = await startSso(browser);
    const xml = signedResponse(fieldsFor(ERIN, id), h.now(), 'assertion', testKeys().other);
    await expectRefused(xml, 'bad_signature');
  });

  it('refuses an expired assertion and one not yet valid', async () => {
    const { id } = await startSso(browser);
    await expectRefused(signedResponse(fieldsFor(ERIN, id), h.now() - 3_600_000), 'expired');
    const later = { ...fieldsFor(ERIN, id), notBefore: h.now() + 60_000 };
    await expectRefused(signedResponse(later, h.now()), 'not_yet_valid');
  });

  it('refuses an assertion for another audience', async () => {
    const { id } = await startSso(browser);
    const f = { ...fieldsFor(ERIN, id), audience: 'https://other-sp.example/metadata' };
    await expectRefused(signedResponse(f, h.now()), 'audience');
  });

  it('refuses a response for another destination and an assertion for another recipient', async () => {
    const { id } = await startSso(browser);
    const f = { ...fieldsFor(ERIN, id), acsUrl: 'https://other-sp.example/acs' };
    await expectRefused(signedResponse(f, h.now()), 'destination');
    // Destination right, the signed Recipient wrong.
    const xml = responseXml(fieldsFor(ERIN, id), h.now()).replace(
      `Recipient="${ACS_URL}"`,
      'Recipient="https://other-sp.example/acs"',
    );
    await expectRefused(signResponse(xml, testKeys().idp, 'assertion'), 'recipient');
  });

  it('refuses an unsolicited response, one answering a request it did not make, and one answered already', async () => {
    await expectRefused(signedResponse(fieldsFor(ERIN), h.now()), 'unsolicited');
    await expectRefused(signedResponse(fieldsFor(ERIN, '_made_up'), h.now()), 'unsolicited');
    const { id } = await startSso(browser);
    expect((await postToAcs(browser, signedResponse(fieldsFor(ERIN, id), h.now()))).status).toBe(
      303,
    );
    // A new assertion (another id) for the answered request.
    await expectRefused(signedResponse(fieldsFor(ERIN, id), h.now()), 'unsolicited', h.client());
  });

  it('refuses a real answer posted into another browser than the one that started the sign-in (login CSRF)', async () => {
    const attacker = h.client();
    const { id } = await startSso(attacker);
    // The attacker's own signed assertion, auto-posted by a page into the victim's browser.
    await expectRefused(signedResponse(fieldsFor(ERIN, id), h.now()), 'other_browser', browser);
    // Answered once: not usable afterwards in the attacker's browser either.
    await expectRefused(signedResponse(fieldsFor(ERIN, id), h.now()), 'unsolicited', attacker);
    // A browser whose own sign-in is pending is not fooled by another request's answer.
    await startSso(browser);
    const other = await startSso(h.client());
    await expectRefused(signedResponse(fieldsFor(ERIN, other.id), h.now()), 'other_browser');
  });

  it('refuses an expired request', async () => {
    const { id } = await startSso(browser);
    h.advance(10 * 60_000);
    await expectRefused(signedResponse(fieldsFor(ERIN, id), h.now()), 'unsolicited');
  });

  it('refuses a replayed response', async () => {
    const { id } = await startSso(browser);
    const xml = signedResponse(fieldsFor(ERIN, id), h.now());
    expect((await postToAcs(browser, xml)).status).toBe(303);
    await expectRefused(xml, 'replayed', h.client());
    // And a response reusing the assertion id for a fresh request.
    const again = await startSso(browser);
    const assertionId = /<saml:Assertion ID="([^"]+)"/.exec(xml)?.[1];
    const reused = signedResponse({ ...fieldsFor(ERIN, again.id), assertionId }, h.now());
    await expectRefused(reused, 'replayed', h.client());
  });

  it('refuses signature-wrapped responses', async () => {
    const { id } = await startSso(browser);
    const signed = signedResponse(fieldsFor('someone@idp.example.test', id), h.now());
    const signedAssertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(signed)?.[0] ?? '';
    const evil = /<saml:Assertion[\s\S]*<\/saml:Assertion>/
      .exec(responseXml(fieldsFor(ERIN, id), h.now()))?.[0]
      ?.replace(/ID="[^"]+"/, 'ID="_evil"');
    // XSW: the signed assertion moved into Extensions, an unsigned one in its place.
    const moved = signed.replace(
      signedAssertion,
      `<samlp:Extensions>${signedAssertion}</samlp:Extensions>${evil}`,
    );
    await expectRefused(moved, 'wrapping');
    // A second assertion beside the signed one.
    await expectRefused(
      signed.replace('</samlp:Response>', `${evil}</samlp:Response>`),
      'wrapping',
    );
    // A signed response wrapped inside an unsigned one.
    const outer = responseXml(fieldsFor(ERIN, id), h.now()).replace(
      '<samlp:Status>',
      `<samlp:Extensions>${signResponse(responseXml(fieldsFor('x@idp.example.test', id), h.now()), testKeys().idp, 'response')}</samlp:Extensions><samlp:Status>`,
    );
    await expectRefused(outer, 'wrapping');
  });

  it('refuses a comment-injected NameID that would still verify', async () => {
    const { id } = await startSso(browser);
    // Signed for erin@demo.test.evil.example; the comment leaves the digest as it was.
    const signed = signedResponse(fieldsFor(`${ERIN}.evil.example`, id), h.now());
    const injected = signed.replace(`>${ERIN}.evil.example<`, `>${ERIN}<!---->.evil.example<`);
    expect(injected).not.toBe(signed);
    await expectRefused(injected, 'comment');
    await expectRefused(
      signed.replace(`>${ERIN}.evil.example<`, `>${ERIN}<![CDATA[]]>.evil.example<`),
      'comment',
    );
  });

  it('refuses a document type declaration', async () => {
    const { id } = await startSso(browser);
    const xml = `<!DOCTYPE r [<!ENTITY e "x">]>${signedResponse(fieldsFor(ERIN, id), h.now())}`;
    await expectRefused(xml, 'doctype');
  });

  it('never signs a password user in, even with a valid assertion for their name', async () => {
    const { id } = await startSso(browser);
    await expectRefused(signedResponse(fieldsFor('alice@demo.test', id), h.now()), 'not_sso_user');
    expect((await refusals()).at(-1)).toBe('not_sso_user:alice@demo.test');
  });

  it('refuses an unknown NameID unless just-in-time creation is on', async () => {
    const { id } = await startSso(browser);
    await expectRefused(signedResponse(fieldsFor('new@demo.test', id), h.now()), 'unknown_user');
    expect(await h.store.getUserByUsername('new@demo.test')).toBeNull();

    await configureIdp(h.store, h.now(), 'contact');
    const client = h.client();
    const again = await startSso(client);
    const f = {
      ...fieldsFor('new@demo.test', again.id),
      attributes: { displayName: 'New Person' },
    };
    expect((await postToAcs(client, signedResponse(f, h.now()))).status).toBe(303);
    expect(await h.store.getUserByUsername('new@demo.test')).toMatchObject({
      name: 'New Person',
      kind: 'contact',
      role: 'user',
      authType: 'saml',
      passwordHash: null,
    });
    const created = await h.store.listAudit({ limit: 5, action: 'sso.user_created' });
    expect(created.events.map((e) => e.target)).toEqual(['new@demo.test']);
  });

  it('sends a browser refused at the ACS to the login page with the reason', async () => {
    const res = await postToAcs(browser, signedResponse(fieldsFor(ERIN), h.now()), {
      page: true,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?sso_error=unsolicited');
  });

  it('still refuses other cross-site posts', async () => {
    const res = await h.client().post('/api/logout', undefined, {
      origin: 'https://idp.example.test',
      'sec-fetch-site': 'cross-site',
    });
    expect(await errorCode(res)).toBe('CSRF_FAILED');
  });

  it('ssoSignIn helper signs erin in', async () => {
    expect((await ssoSignIn(h.client(), ERIN, h.now())).status).toBe(303);
  });
});
