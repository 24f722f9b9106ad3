import type { SamlStore } from '../contract.ts';
import { type SamlIdpRow, toSamlIdp } from '../rows.ts';
import {
  CONSUME_SAML_REQUEST,
  DELETE_SAML_IDP,
  INSERT_SAML_REQUEST,
  PUT_SAML_IDP,
  REMEMBER_SAML_ASSERTION,
  SAML_IDP,
} from '../statements.ts';
import { type Pool, query } from './pg-connection.ts';

/**
 * SAML sign-in state of the PostgreSQL store. A request's answer and an assertion's first use
 * are single statements decided by the database (a DELETE, a primary key), so they hold across
 * every instance sharing it.
 */
export function pgSaml(pool: Pool): SamlStore {
  return {
    async getSamlIdp() {
      const { rows } = await query<SamlIdpRow>(pool, SAML_IDP);
      return rows[0] ? toSamlIdp(rows[0]) : null;
    },
    async setSamlIdp(config, now) {
      if (!config) await query(pool, DELETE_SAML_IDP);
      else
        await query(pool, PUT_SAML_IDP, [
          config.entityId,
          config.ssoUrl,
          config.certificate,
          config.jitKind,
          now,
        ]);
    },
    async saveSamlRequest(id, now, expiresAt) {
      await query(pool, INSERT_SAML_REQUEST, [id, now, expiresAt]);
    },
    async consumeSamlRequest(id, now) {
      return (await query(pool, CONSUME_SAML_REQUEST, [id, now])).rowCount === 1;
    },
    async rememberSamlAssertion(id, keepUntil, now) {
      return (await query(pool, REMEMBER_SAML_ASSERTION, [id, keepUntil, now])).rowCount === 1;
    },
  };
}
