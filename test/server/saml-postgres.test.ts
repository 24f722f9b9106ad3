/**
 * SSO on PostgreSQL with two app instances sharing one database: a request made by one is
 * answered on the other, and one assertion signs in once across both, even posted to both at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../server/store/postgres/postgres-store.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { type Client, errorCode, type Harness, makeHarness } from './harness.ts';
import { configureIdp, fieldsFor, postToAcs, signedResponse, startSso } from './saml-steps.ts';

const available = await postgresAvailable();

describe.skipIf(!available)('SAML sign-in across two instances on PostgreSQL', () => {
  let db: { url: string; drop: () => Promise<void> };
  let one: Harness;
  let two: Harness;
  beforeAll(async () => {
    db = await createTestDatabase('mfa_saml');
    one = await makeHarness({ store: openPostgresStore({ url: db.url, poolSize: 4 }) });
    two = await makeHarness({ store: openPostgresStore({ url: db.url, poolSize: 4 }) });
    await one.user('erin@demo.test', { authType: 'saml' });
    await configureIdp(one.store, one.now());
  });
  afterAll(async () => {
    await one?.store.close();
    await two?.store.close();
    await db?.drop();
  });

  /** The same browser (its cookies) reaching `h`, as behind a load balancer. */
  const sameBrowser = (h: Harness, browser: Client) => {
    const on = h.client(browser.ip);
    for (const [name, value] of browser.cookies) on.cookies.set(name, value);
    return on;
  };

  it('answers on one instance the request made by the other', async () => {
    const browser = one.client();
    const { id } = await startSso(browser);
    const res = await postToAcs(
      sameBrowser(two, browser),
      signedResponse(fieldsFor('erin@demo.test', id), two.now()),
    );
    expect(res.status).toBe(303);
  });

  it('accepts one assertion once across both instances, posted to both at once', async () => {
    const browser = one.client();
    const { id } = await startSso(browser);
    const xml = signedResponse(fieldsFor('erin@demo.test', id), one.now());
    const answers = await Promise.all([
      postToAcs(sameBrowser(one, browser), xml),
      postToAcs(sameBrowser(two, browser), xml),
      postToAcs(sameBrowser(one, browser), xml),
      postToAcs(sameBrowser(two, browser), xml),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([303, 401, 401, 401]);
    for (const r of answers.filter((r) => r.status === 401)) {
      expect(await errorCode(r)).toBe('SSO_REFUSED');
    }
    const refused = await one.store.listAudit({ limit: 10, action: 'sso.refused' });
    expect(refused.events.map((e) => e.target)).toEqual([
      'replayed:erin@demo.test',
      'replayed:erin@demo.test',
      'replayed:erin@demo.test',
    ]);
    // And later, on either.
    expect(await errorCode(await postToAcs(two.client(), xml))).toBe('SSO_REFUSED');
  });
});
