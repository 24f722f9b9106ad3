/**
 * The contract suite's part for the SAML sign-in state (called by `runStoreContract`, so SQLite
 * and PostgreSQL both run it): the IdP configuration, requests answered once and assertion ids
 * accepted once.
 */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../server/store/contract.ts';

const T0 = 1_700_000_000_000;
const MIN = 60_000;
const idp = {
  entityId: 'https://idp.example.test',
  ssoUrl: 'https://idp.example.test/sso',
  certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
  jitKind: null,
};

export function samlContract(current: () => Store): void {
  describe('saml', () => {
    it('keeps one IdP configuration, replaced by a save and removed by null', async () => {
      const store = current();
      expect(await store.getSamlIdp()).toBeNull();
      await store.setSamlIdp(idp, T0);
      expect(await store.getSamlIdp()).toEqual({ ...idp, updatedAt: T0 });
      await store.setSamlIdp(
        { ...idp, ssoUrl: 'https://idp.example.test/v2', jitKind: 'contact' },
        T0 + 1,
      );
      expect(await store.getSamlIdp()).toEqual({
        ...idp,
        ssoUrl: 'https://idp.example.test/v2',
        jitKind: 'contact',
        updatedAt: T0 + 1,
      });
      await store.setSamlIdp(null, T0 + 2);
      expect(await store.getSamlIdp()).toBeNull();
    });

    it('answers a request it made once, and not after it expired', async () => {
      const store = current();
      await store.saveSamlRequest('_r1', T0, T0 + 5 * MIN);
      await store.saveSamlRequest('_r2', T0, T0 + 5 * MIN);
      expect(await store.consumeSamlRequest('_unknown', T0 + 1)).toBe(false);
      const racers = await Promise.all(
        Array.from({ length: 8 }, () => store.consumeSamlRequest('_r1', T0 + 1)),
      );
      expect(racers.filter(Boolean)).toHaveLength(1);
      expect(await store.consumeSamlRequest('_r1', T0 + 2)).toBe(false);
      expect(await store.consumeSamlRequest('_r2', T0 + 5 * MIN)).toBe(false);
    });

    it('accepts an assertion id once under concurrent calls, and keeps it through pruning', async () => {
      const store = current();
      const racers = await Promise.all(
        Array.from({ length: 8 }, () => store.rememberSamlAssertion('_a1', T0 + 5 * MIN, T0)),
      );
      expect(racers.filter(Boolean)).toHaveLength(1);
      await store.pruneExpired(T0 + MIN, 30 * MIN);
      expect(await store.rememberSamlAssertion('_a1', T0 + 5 * MIN, T0 + MIN)).toBe(false);
      // Past the time it is kept for, the assertion itself has expired: the row may be reused.
      expect(await store.rememberSamlAssertion('_a1', T0 + 20 * MIN, T0 + 6 * MIN)).toBe(true);
    });

    it('prunes expired requests', async () => {
      const store = current();
      await store.saveSamlRequest('_old', T0, T0 + MIN);
      await store.pruneExpired(T0 + 2 * MIN, 30 * MIN);
      // Even at a clock before its expiry, the row is gone.
      expect(await store.consumeSamlRequest('_old', T0)).toBe(false);
    });
  });
}
