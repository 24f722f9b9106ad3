/**
 * SSO steps for API tests: an IdP of the test's own (keys made here, responses signed with
 * xml-crypto like the SP verifies them), the SP-initiated start and the IdP's post to the ACS.
 */
import { inflateRawSync } from 'node:zlib';
import { type ResponseFields, responseXml, signResponse } from '../../server/sso/saml-response.ts';
import { generateSigningKeys, type SigningKeys } from '../../server/sso/test-idp-keys.ts';
import type { Store, UserKind } from '../../server/store/contract.ts';
import { type Client, ORIGIN } from './harness.ts';

export const IDP_ENTITY_ID = 'https://idp.example.test';
export const IDP_SSO_URL = 'https://idp.example.test/sso';
export const SP_ENTITY_ID = `${ORIGIN}/api/sso/saml/metadata`;
export const ACS_URL = `${ORIGIN}/api/sso/saml/acs`;

// RSA key generation takes a while: one pair for every test file that imports this.
let keys: { idp: SigningKeys; other: SigningKeys } | undefined;
export function testKeys() {
  keys ??= { idp: generateSigningKeys('Test IdP'), other: generateSigningKeys('Another IdP') };
  return keys;
}

/** Configures the test IdP in the store (what the admin API does). */
export async function configureIdp(store: Store, now: number, jitKind: UserKind | null = null) {
  await store.setSamlIdp(
    {
      entityId: IDP_ENTITY_ID,
      ssoUrl: IDP_SSO_URL,
      certificate: testKeys().idp.certificate,
      jitKind,
    },
    now,
  );
}

/** Starts an SP-initiated sign-in; returns the AuthnRequest's id and where it redirected. */
export async function startSso(client: Client, next?: string) {
  const res = await client.get(
    `/api/sso/saml/login${next ? `?next=${encodeURIComponent(next)}` : ''}`,
  );
  if (res.status !== 302) throw new Error(`sso login ${res.status}: ${await res.text()}`);
  const location = new URL(res.headers.get('location') ?? '');
  const request = inflateRawSync(
    Buffer.from(location.searchParams.get('SAMLRequest') ?? '', 'base64'),
  ).toString('utf8');
  const id = /\sID="([^"]+)"/.exec(request)?.[1];
  if (!id) throw new Error(`no ID in ${request}`);
  return { id, request, location, relayState: location.searchParams.get('RelayState') };
}

/** The fields of a response to `inResponseTo` for `nameId`, as the test IdP would say them. */
export const fieldsFor = (nameId: string, inResponseTo?: string): ResponseFields => ({
  issuer: IDP_ENTITY_ID,
  nameId,
  audience: SP_ENTITY_ID,
  acsUrl: ACS_URL,
  ...(inResponseTo ? { inResponseTo } : {}),
});

/** A response signed by the test IdP (its assertion, or the whole response). */
export function signedResponse(
  fields: ResponseFields,
  now: number,
  what: 'assertion' | 'response' = 'assertion',
  by: SigningKeys = testKeys().idp,
): string {
  return signResponse(responseXml(fields, now), by, what);
}

/**
 * Posts a response to the ACS as the IdP's page does: a cross-site form post (the ACS is exempt
 * from the same-origin check). `page` asks as a browser navigation (refusals redirect to /login).
 */
export function postToAcs(
  client: Client,
  xml: string,
  { relayState, page = false }: { relayState?: string; page?: boolean } = {},
) {
  const form = new URLSearchParams({ SAMLResponse: Buffer.from(xml).toString('base64') });
  if (relayState !== undefined) form.set('RelayState', relayState);
  return client.request('/api/sso/saml/acs', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: 'https://idp.example.test',
      'sec-fetch-site': 'cross-site',
      ...(page ? { accept: 'text/html,application/xhtml+xml' } : {}),
    },
    body: form.toString(),
  });
}

/** A full SSO sign-in of `nameId` through the SP's routes; returns the ACS answer. */
export async function ssoSignIn(client: Client, nameId: string, now: number) {
  const { id } = await startSso(client);
  return postToAcs(client, signedResponse(fieldsFor(nameId, id), now));
}
