import { randomBytes } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import type { SigningKeys } from './test-idp-keys.ts';

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/** What a SAML 2.0 Response of the test IdP says. */
export interface ResponseFields {
  issuer: string;
  nameId: string;
  /** The SP's entity id. */
  audience: string;
  /** The SP's ACS URL: the response's Destination and the subject confirmation's Recipient. */
  acsUrl: string;
  /** The AuthnRequest ID answered; omitted for an unsolicited response. */
  inResponseTo?: string;
  /** Assertion ID (default: random). */
  assertionId?: string;
  /** Validity window of the assertion, epoch ms (default: now - 1 min … now + 5 min). */
  notBefore?: number;
  notOnOrAfter?: number;
  attributes?: Record<string, string>;
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const iso = (ms: number) => new Date(ms).toISOString();
const newId = () => `_${randomBytes(16).toString('hex')}`;

/**
 * The unsigned XML of a SAML 2.0 Response with one bearer assertion.
 *
 * @example const xml = responseXml({ issuer, nameId: 'erin@demo.test', audience, acsUrl, inResponseTo });
 */
export function responseXml(f: ResponseFields, now = Date.now()): string {
  const notBefore = iso(f.notBefore ?? now - 60_000);
  const notOnOrAfter = iso(f.notOnOrAfter ?? now + 5 * 60_000);
  const irt = f.inResponseTo ? ` InResponseTo="${esc(f.inResponseTo)}"` : '';
  const attributes = Object.entries(f.attributes ?? {})
    .map(
      ([name, value]) =>
        `<saml:Attribute Name="${esc(name)}"><saml:AttributeValue>${esc(value)}</saml:AttributeValue></saml:Attribute>`,
    )
    .join('');
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${newId()}" Version="2.0" IssueInstant="${iso(now)}" Destination="${esc(f.acsUrl)}"${irt}>` +
    `<saml:Issuer>${esc(f.issuer)}</saml:Issuer>` +
    '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>' +
    `<saml:Assertion ID="${esc(f.assertionId ?? newId())}" Version="2.0" IssueInstant="${iso(now)}">` +
    `<saml:Issuer>${esc(f.issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${esc(f.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${esc(f.acsUrl)}"${irt}/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${esc(f.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${newId()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
    '</saml:Assertion></samlp:Response>'
  );
}

/**
 * Signs the Response's assertion (`'assertion'`) or the whole Response (`'response'`) with an
 * enveloped RSA-SHA256 XML signature (xml-crypto, the library the SP verifies with).
 *
 * @example const signed = signResponse(responseXml(fields), keys, 'assertion');
 */
export function signResponse(
  xml: string,
  keys: SigningKeys,
  what: 'assertion' | 'response',
): string {
  const sig = new SignedXml({
    privateKey: keys.privateKey,
    publicCert: keys.certificate,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
  });
  const target =
    what === 'assertion'
      ? "/*[local-name(.)='Response']/*[local-name(.)='Assertion']"
      : "/*[local-name(.)='Response']";
  sig.addReference({ xpath: target, digestAlgorithm: SHA256, transforms: [ENVELOPED, EXC_C14N] });
  sig.computeSignature(xml, {
    location: { reference: `${target}/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return sig.getSignedXml();
}
