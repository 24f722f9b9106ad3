import { describe, expect, it } from 'vitest';
import { errorCode, makeHarness } from './harness.ts';

describe('sessions', () => {
  it('end after 30 idle minutes', async () => {
    const h = await makeHarness();
    await h.user('bob@demo.test');
    const client = await h.signIn('bob@demo.test');
    h.advance(29 * 60_000);
    expect((await client.get('/api/me')).status).toBe(200);
    h.advance(29 * 60_000);
    expect((await client.get('/api/me')).status).toBe(200);
    h.advance(30 * 60_000);
    const res = await client.get('/api/me');
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('UNAUTHENTICATED');
  });

  it('end after 12 hours however active', async () => {
    const h = await makeHarness();
    await h.user('bob@demo.test');
    const client = await h.signIn('bob@demo.test');
    // 28 × 25 min = 11 h 40 min: active all along, still valid.
    for (let i = 0; i < 28; i++) {
      h.advance(25 * 60_000);
      expect((await client.get('/api/me')).status).toBe(200);
    }
    h.advance(25 * 60_000);
    expect((await client.get('/api/me')).status).toBe(401);
  });

  it('follow SESSION_IDLE_MINUTES and SESSION_ABSOLUTE_HOURS', async () => {
    const h = await makeHarness({
      config: { sessionIdleMs: 5 * 60_000, sessionAbsoluteMs: 60 * 60_000 },
    });
    await h.user('bob@demo.test');
    const idle = await h.signIn('bob@demo.test');
    h.advance(5 * 60_000);
    expect((await idle.get('/api/me')).status).toBe(401);
    const busy = await h.signIn('bob@demo.test');
    const cookie = busy.cookies.get('mfa_session');
    expect(cookie).toBeTruthy();
    for (let i = 0; i < 15; i++) {
      h.advance(4 * 60_000);
      expect((await busy.get('/api/me')).status).toBe(i < 14 ? 200 : 401);
    }
  });

  it('need a valid cookie: a forged token is refused', async () => {
    const h = await makeHarness();
    const client = h.client();
    client.cookies.set('mfa_session', 'forged-token');
    expect((await client.get('/api/me')).status).toBe(401);
  });
});
