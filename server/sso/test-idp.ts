import type { Store } from '../store/contract.ts';
import { loadTestIdpKeys, type SigningKeys } from './test-idp-keys.ts';

/** The built-in test IdP's entity id (not a URL: it lives on whatever origin serves it). */
export const TEST_IDP_ENTITY_ID = 'urn:mfa-companion:built-in-test-idp';
/** Its SSO URL, relative: resolved against the SP's own origin (services/sso-login.ts). */
export const TEST_IDP_SSO_PATH = '/test-idp/sso';

/**
 * Turns the built-in test IdP on for the demo: only when the demo company is seeded (its SSO
 * user erin@demo.test is there), with its key in DATA_DIR, configured as the company's IdP when
 * none is (or when the configured one is this test IdP, whose key may have been made again).
 * A real IdP an admin configured is never replaced.
 *
 * @returns the signing keys the test IdP pages sign with, or null when it stays off
 */
export async function enableTestIdp(
  store: Store,
  dataDir: string,
  now: number,
): Promise<SigningKeys | null> {
  const erin = await store.getUserByUsername('erin@demo.test');
  if (erin?.authType !== 'saml') return null;
  const keys = loadTestIdpKeys(dataDir);
  const idp = await store.getSamlIdp();
  if (!idp || (idp.entityId === TEST_IDP_ENTITY_ID && idp.certificate !== keys.certificate)) {
    await store.setSamlIdp(
      {
        entityId: TEST_IDP_ENTITY_ID,
        ssoUrl: TEST_IDP_SSO_PATH,
        certificate: keys.certificate,
        jitKind: null,
      },
      now,
    );
  }
  return keys;
}
