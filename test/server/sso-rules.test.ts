import { openSqliteStore } from '../../server/store/sqlite/sqlite-store.ts';
import { ssoRules } from './sso-rules.ts';

ssoRules('sqlite', async () => openSqliteStore({ path: ':memory:' }));
