/** Admin > Auth and Provision over the API: configuring the SAML IdP, then signing in with it. */
import { beforeEach, describe, expect, it } from 'vitest';
import { type Client, errorCode, type Harness, makeHarness } from './harness.ts';
import {
  ACS_URL,
  IDP_ENTITY_ID,
  IDP_SSO_URL,
  SP_ENTITY_ID,
  ssoSignIn,
  testKeys,
} from './saml-steps.ts';

const bare = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
const metadata = (cert: string) => `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${IDP_ENTITY_ID}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="encryption"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${bare(testKeys().other.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${IDP_SSO_URL}/post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${IDP_SSO_URL}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;

describe('admin API: the SAML IdP', () => {
  let h: Harness;
  let admin: Client;
  beforeEach(async () => {
    h = await makeHarness();
    await h.user('admin@demo.test', { role: 'admin' });
    await h.user('bob@demo.test');
    await h.user('erin@demo.test', { authType: 'saml' });
    admin = await h.signIn('admin@demo.test');
  });

  it('is off at first and tells the admin what to give the IdP', async () => {
    expect(await (await admin.get('/api/admin/sso/saml')).json()).toEqual({
      idp: null,
      sp: { entityId: SP_ENTITY_ID, acsUrl: ACS_URL, metadataUrl: SP_ENTITY_ID },
    });
  });

  it('takes the IdP from its metadata (the redirect binding, the signing certificate), JIT off, and SSO works', async () => {
    const res = await admin.put('/api/admin/sso/saml', {
      metadataXml: metadata(bare(testKeys().idp.certificate)),
    });
    expect(res.status).toBe(200);
    const { idp } = (await res.json()) as { idp: Record<string, unknown> };
    expect(idp).toMatchObject({ entityId: IDP_ENTITY_ID, ssoUrl: IDP_SSO_URL, jitKind: null });
    expect(bare(String(idp.certificate))).toBe(bare(testKeys().idp.certificate));
    expect((await ssoSignIn(h.client(), 'erin@demo.test', h.now())).status).toBe(303);
    const events = await h.store.listAudit({ limit: 5, action: 'sso.configured' });
    expect(events.events.map((e) => [e.actor, e.target])).toEqual([
      ['admin@demo.test', IDP_ENTITY_ID],
    ]);
  });

  it('takes entity id, SSO URL and PEM certificate by hand, with JIT for contacts', async () => {
    const res = await admin.put('/api/admin/sso/saml', {
      entityId: IDP_ENTITY_ID,
      ssoUrl: IDP_SSO_URL,
      certificate: testKeys().idp.certificate,
      jitKind: 'contact',
    });
    expect(res.status).toBe(200);
    expect((await h.store.getSamlIdp())?.jitKind).toBe('contact');
    expect((await ssoSignIn(h.client(), 'new@client.test', h.now())).status).toBe(303);
    expect((await h.store.getUserByUsername('new@client.test'))?.kind).toBe('contact');
  });

  it.each([
    [
      'a certificate that is not one',
      { entityId: IDP_ENTITY_ID, ssoUrl: IDP_SSO_URL, certificate: 'MIIB' },
    ],
    [
      'an SSO URL that is not http(s)',
      {
        entityId: IDP_ENTITY_ID,
        ssoUrl: 'javascript:alert(1)',
        certificate: testKeys().idp.certificate,
      },
    ],
    [
      'metadata without a redirect binding',
      { metadataXml: metadata(bare(testKeys().idp.certificate)).replace('HTTP-Redirect', 'SOAP') },
    ],
    ['metadata with a DTD', { metadataXml: `<!DOCTYPE x [<!ENTITY a "b">]>${metadata('x')}` }],
    ['both forms at once', { metadataXml: 'x', entityId: 'y', ssoUrl: 'z', certificate: 'c' }],
  ])('refuses %s (VALIDATION_FAILED), keeping what was configured', async (_, body) => {
    const res = await admin.put('/api/admin/sso/saml', body);
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('VALIDATION_FAILED');
    expect(await h.store.getSamlIdp()).toBeNull();
  });

  it('removes the IdP: SSO is off', async () => {
    await admin.put('/api/admin/sso/saml', {
      metadataXml: metadata(bare(testKeys().idp.certificate)),
    });
    expect(
      (
        await admin.request('/api/admin/sso/saml', {
          method: 'DELETE',
          headers: { origin: 'http://localhost' },
        })
      ).status,
    ).toBe(204);
    expect(await errorCode(await h.client().get('/api/sso/saml/login'))).toBe('SSO_NOT_CONFIGURED');
  });

  it('is for admins only', async () => {
    const bob = await h.signIn('bob@demo.test');
    expect(await errorCode(await bob.get('/api/admin/sso/saml'))).toBe('FORBIDDEN');
    expect(await errorCode(await bob.put('/api/admin/sso/saml', { metadataXml: 'x' }))).toBe(
      'FORBIDDEN',
    );
  });
});
