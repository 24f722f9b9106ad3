import type Database from 'better-sqlite3';
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
import { statement } from './statement.ts';
import type { Write } from './write-batch.ts';

/** SAML sign-in state of the SQLite store (one process owns the file, so writes serialise). */
export function sqliteSaml(db: Database.Database, write: Write): SamlStore {
  const getIdp = statement<SamlIdpRow>(db, SAML_IDP);
  const putIdp = statement(db, PUT_SAML_IDP);
  const deleteIdp = statement(db, DELETE_SAML_IDP);
  const insertRequest = statement(db, INSERT_SAML_REQUEST);
  const consumeRequest = statement(db, CONSUME_SAML_REQUEST);
  const rememberAssertion = statement(db, REMEMBER_SAML_ASSERTION);

  return {
    async getSamlIdp() {
      const row = getIdp.get();
      return row ? toSamlIdp(row) : null;
    },
    async setSamlIdp(config, now) {
      await write(() => {
        if (!config) deleteIdp.run();
        else putIdp.run(config.entityId, config.ssoUrl, config.certificate, config.jitKind, now);
      });
    },
    async saveSamlRequest(id, now, expiresAt) {
      await write(() => insertRequest.run(id, now, expiresAt));
    },
    async consumeSamlRequest(id, now) {
      return write(() => consumeRequest.all(id, now).length === 1);
    },
    async rememberSamlAssertion(id, keepUntil, now) {
      return write(() => rememberAssertion.all(id, keepUntil, now).length === 1);
    },
  };
}
