import { SAML } from '@node-saml/node-saml';
import { describe, expect, it } from 'vitest';
import { responseXml, signResponse } from './saml-response.ts';
import { generateSigningKeys } from './test-idp-keys.ts';

const keys = generateSigningKeys('Test IdP');
const other = generateSigningKeys('Another IdP');
const fields = {
  issuer: 'https://idp.test',
  nameId: 'erin@demo.test',
  audience: 'https://sp.test/api/sso/saml/metadata',
  acsUrl: 'https://sp.test/api/sso/saml/acs',
};
// The SP library as the server will configure it: a signed response or assertion, this cert only.
const sp = new SAML({
  issuer: fields.audience,
  audience: fields.audience,
  callbackUrl: fields.acsUrl,
  idpCert: keys.certificate,
  idpIssuer: fields.issuer,
  wantAuthnResponseSigned: false,
  wantAssertionsSigned: false,
  acceptedClockSkewMs: 30_000,
});
const post = (xml: string) =>
  sp.validatePostResponseAsync({ SAMLResponse: Buffer.from(xml).toString('base64') });

describe('test IdP responses', () => {
  it('signs an assertion or a whole response so that node-saml accepts it', async () => {
    for (const what of ['assertion', 'response'] as const) {
      const { profile } = await post(signResponse(responseXml(fields), keys, what));
      expect(profile?.nameID).toBe('erin@demo.test');
    }
  });

  it('is refused unsigned, signed by another key, or expired', async () => {
    await expect(post(responseXml(fields))).rejects.toThrow(/signature/i);
    await expect(post(signResponse(responseXml(fields), other, 'assertion'))).rejects.toThrow(
      /signature/i,
    );
    const old = responseXml(fields, Date.now() - 3_600_000);
    await expect(post(signResponse(old, keys, 'assertion'))).rejects.toThrow(/expired/i);
  });
});
