import { afterAll, it } from 'vitest';
import type { Store } from '../../server/store/contract.ts';
import { openPostgresStore } from '../../server/store/postgres/postgres-store.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { ssoRules } from './sso-rules.ts';

const available = await postgresAvailable();

if (available) {
  const open: { store: Store; drop: () => Promise<void> }[] = [];
  afterAll(async () => {
    for (const { store, drop } of open) {
      await store.close();
      await drop();
    }
  });
  // A database per test: each starts from an empty one, as the SQLite run does.
  ssoRules('postgres', async () => {
    const db = await createTestDatabase('mfa_sso_rules');
    const store = openPostgresStore({ url: db.url, poolSize: 4 });
    open.push({ store, drop: db.drop });
    return store;
  });
} else {
  it.skip('SSO rules: postgres (PostgreSQL unreachable)', () => {});
}
