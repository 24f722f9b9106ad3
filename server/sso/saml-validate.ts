import { SAML, SamlStatusError, ValidateInResponseTo } from '@node-saml/node-saml';
import type { SamlIdpConfig } from '../store/contract.ts';
import type { SamlRefusal } from './saml-refusals.ts';
import type { SpUrls } from './sp-urls.ts';

/** Clock difference allowed between the IdP and this server on every time condition. */
export const SAML_CLOCK_SKEW_MS = 30_000;
/** Larger answers are refused before they are parsed (IdP responses are a few KB). */
export const SAML_RESPONSE_MAX_BYTES = 128 * 1024;

/** What a response that passed every check says (the store's checks come after). */
export interface VerifiedAssertion {
  /** The assertion's `ID`: accepted once. */
  id: string;
  nameId: string;
  /** The AuthnRequest it answers (from the signed SubjectConfirmationData). */
  inResponseTo: string;
  /** Until when a replay could still pass the time checks: the id is remembered that long. */
  keepUntil: number;
  /** Single-valued attributes of the assertion (for just-in-time creation). */
  attributes: Record<string, string>;
}

export type SamlCheck =
  | { ok: true; assertion: VerifiedAssertion }
  | { ok: false; reason: SamlRefusal };

/**
 * The node-saml SP for one IdP: signatures checked against the configured certificate only
 * (never a key the message carries), a signed response or a signed assertion required. Its own
 * time, audience and InResponseTo checks are off: node-saml reads the system clock and keeps
 * request ids in memory, so {@link checkSamlResponse} does them on the injected clock and the
 * store (shared by every instance).
 */
export function samlSp(idp: SamlIdpConfig, sp: SpUrls, generateId?: () => string): SAML {
  return new SAML({
    issuer: sp.entityId,
    callbackUrl: sp.acsUrl,
    entryPoint: idp.ssoUrl,
    idpCert: idp.certificate,
    audience: false,
    wantAuthnResponseSigned: false,
    wantAssertionsSigned: false,
    acceptedClockSkewMs: -1,
    validateInResponseTo: ValidateInResponseTo.never,
    disableRequestedAuthnContext: true,
    ...(generateId ? { generateUniqueId: generateId } : {}),
  });
}

/** Local names of the elements of an XML text (see {@link checkSamlResponse} for why this is exact). */
function countElements(xml: string, localName: string): number {
  return [...xml.matchAll(new RegExp(`<(?:[\\w.-]+:)?${localName}[\\s/>]`, 'g'))].length;
}

/** The attributes of the root element's start tag. */
function rootAttribute(xml: string, name: string): string | undefined {
  const start = /^\s*(?:<\?xml[^>]*\?>)?\s*<[^>]*>/.exec(xml)?.[0] ?? '';
  const match = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(start);
  return match ? decodeEntities(match[2] ?? match[3] ?? '') : undefined;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The xml2js tree node-saml hands back for the verified assertion. */
type Node = { $?: Record<string, string>; _?: string } & { [child: string]: unknown };
const children = (node: Node | undefined, name: string): Node[] => {
  const value = node?.[name];
  return Array.isArray(value) ? (value as Node[]) : [];
};
const text = (node: Node | undefined): string | undefined =>
  typeof node?._ === 'string' ? node._ : undefined;
const time = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? Number.NaN : ms;
};

/**
 * Checks a base64 `SAMLResponse` posted to the ACS, strictly, before anything in it is trusted:
 *
 * - Comments, CDATA, processing instructions and DTDs are refused outright: a comment inside a
 *   NameID (`erin@demo.test<!---->.evil`) does not change the signed digest but does change what
 *   some parsers read. With none of them, every `<` in a well-formed document opens or closes an
 *   element, so counting `Response` and `Assertion` tags is exact: exactly one of each, the
 *   response as the root, or it is refused as signature wrapping.
 * - The signature (node-saml over xml-crypto): the response or its assertion signed by the
 *   configured certificate; what is read afterwards is read from the signed XML only.
 * - The assertion's issuer, audience (the SP's entity id), the response's Destination and the
 *   bearer confirmation's Recipient (the ACS URL), InResponseTo present and the same on both,
 *   and its time conditions at `now` with {@link SAML_CLOCK_SKEW_MS} either way.
 *
 * InResponseTo's request and the assertion id's single use are the store's (see sso-login.ts).
 */
export async function checkSamlResponse(
  idp: SamlIdpConfig,
  sp: SpUrls,
  samlResponse: string,
  now: number,
): Promise<SamlCheck> {
  const refuse = (reason: SamlRefusal): SamlCheck => ({ ok: false, reason });
  const base64 = samlResponse.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length > (SAML_RESPONSE_MAX_BYTES * 4) / 3) {
    return refuse('malformed');
  }
  const xml = Buffer.from(base64, 'base64').toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return refuse('doctype');
  const prologless = xml.replace(/^\s*<\?xml[^>]*\?>/, '');
  if (/<!--|<!\[CDATA\[|<\?/.test(prologless)) return refuse('comment');
  if (!/^\s*<(?:[\w.-]+:)?Response[\s>]/.test(prologless)) return refuse('malformed');
  if (countElements(xml, 'Response') !== 1) return refuse('wrapping');
  if (countElements(xml, 'EncryptedAssertion') > 0) return refuse('malformed');
  const assertions = countElements(xml, 'Assertion');
  if (assertions > 1) return refuse('wrapping');
  if (countElements(xml, 'Signature') === 0) {
    return refuse(assertions === 0 ? 'idp_error' : 'unsigned');
  }

  let tree: Node;
  try {
    const { profile } = await samlSp(idp, sp).validatePostResponseAsync({ SAMLResponse: base64 });
    if (!profile?.getAssertion) return refuse('malformed');
    tree = profile.getAssertion() as Node;
  } catch (error) {
    if (error instanceof SamlStatusError) return refuse('idp_error');
    const message = error instanceof Error ? error.message : '';
    if (/signature/i.test(message)) return refuse('bad_signature');
    if (/Missing SAML assertion/.test(message)) return refuse('idp_error');
    return refuse('malformed');
  }

  const assertion = children(tree, 'Assertion')[0] ?? (tree.Assertion as Node | undefined);
  if (!assertion) return refuse('malformed');
  const id = assertion.$?.ID;
  if (!id) return refuse('malformed');
  if (text(children(assertion, 'Issuer')[0]) !== idp.entityId) return refuse('issuer');

  const conditions = children(assertion, 'Conditions');
  if (conditions.length !== 1) return refuse('malformed');
  const restrictions = children(conditions[0], 'AudienceRestriction');
  // Every restriction must admit this SP (SAML core 2.5.1.4).
  const admitted = (r: Node) => children(r, 'Audience').some((a) => text(a) === sp.entityId);
  if (restrictions.length === 0 || !restrictions.every(admitted)) return refuse('audience');

  const destination = rootAttribute(xml, 'Destination');
  if (destination !== sp.acsUrl) return refuse('destination');

  const subject = children(assertion, 'Subject')[0];
  const nameId = text(children(subject, 'NameID')[0])?.trim();
  if (!nameId) return refuse('malformed');
  const bearer = children(subject, 'SubjectConfirmation').filter(
    (s) => s.$?.Method === 'urn:oasis:names:tc:SAML:2.0:cm:bearer',
  );
  const data = bearer.flatMap((s) => children(s, 'SubjectConfirmationData'));
  const confirmation = data.find((d) => d.$?.Recipient === sp.acsUrl)?.$;
  if (!confirmation) return refuse(data.length === 0 ? 'malformed' : 'recipient');

  const notBefore = time(conditions[0]?.$?.NotBefore);
  const ends = [time(conditions[0]?.$?.NotOnOrAfter), time(confirmation.NotOnOrAfter)];
  // A bearer confirmation must bound its use (SAML profiles 4.1.4.2): no end, no sign-in.
  const end = time(confirmation.NotOnOrAfter);
  if (end === undefined || [notBefore, ...ends].some((t) => Number.isNaN(t))) {
    return refuse('malformed');
  }
  if (notBefore !== undefined && now + SAML_CLOCK_SKEW_MS < notBefore)
    return refuse('not_yet_valid');
  const until = Math.min(...ends.filter((t): t is number => t !== undefined));
  if (now - SAML_CLOCK_SKEW_MS >= until) return refuse('expired');

  const inResponseTo = confirmation.InResponseTo;
  const responseIrt = rootAttribute(xml, 'InResponseTo');
  if (!inResponseTo || (responseIrt !== undefined && responseIrt !== inResponseTo)) {
    return refuse('unsolicited');
  }

  const attributes: Record<string, string> = {};
  for (const statement of children(assertion, 'AttributeStatement')) {
    for (const attribute of children(statement, 'Attribute')) {
      const values = children(attribute, 'AttributeValue');
      const name = attribute.$?.Name;
      const value = text(values[0]);
      if (name && values.length === 1 && value !== undefined) attributes[name] = value;
    }
  }
  return {
    ok: true,
    assertion: { id, nameId, inResponseTo, keepUntil: until + SAML_CLOCK_SKEW_MS, attributes },
  };
}
