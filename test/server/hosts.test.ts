/**
 * Host names: the server answers only for its own names, so a DNS-rebinding page (its own name
 * pointed at this server) reaches nothing — not even the routes without a session.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/config.ts';
import { hostAllowed, hostName } from '../../server/http/allowed-hosts.ts';
import { errorCode, makeHarness, PASSWORD } from './harness.ts';

describe('the Host a request names', () => {
  it('answers 421 HOST_NOT_ALLOWED for a name that is not the server’s, on every kind of route', async () => {
    const h = await makeHarness();
    await h.user('alice@demo.test');
    const rebound = { host: 'attacker.example:8787' };
    for (const res of [
      await h.client().get('/api/health', rebound),
      await h
        .client()
        .post('/api/login', { username: 'alice@demo.test', password: PASSWORD }, rebound),
      await h.client().get('/api/nowhere', rebound),
    ]) {
      expect(res.status).toBe(421);
      expect(await errorCode(res)).toBe('HOST_NOT_ALLOWED');
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('answers localhost, *.localhost and IP addresses with no setting', async () => {
    const h = await makeHarness();
    for (const host of [
      'localhost',
      'localhost:8787',
      'app.localhost',
      '127.0.0.1:8787',
      '[::1]:8787',
      '192.168.1.20',
    ]) {
      expect((await h.client().get('/api/health', { host })).status, host).toBe(200);
    }
  });

  it('answers the names of PUBLIC_ORIGIN and ALLOWED_HOSTS, whatever their case', async () => {
    const config = loadConfig({
      PUBLIC_ORIGIN: 'https://bms.example.com',
      ALLOWED_HOSTS: 'intranet.corp',
    });
    const h = await makeHarness({ config: { allowedHosts: config.allowedHosts } });
    expect(config.allowedHosts).toEqual(['bms.example.com', 'intranet.corp']);
    for (const host of ['bms.example.com', 'BMS.Example.com:443', 'intranet.corp']) {
      expect((await h.client().get('/api/health', { host })).status, host).toBe(200);
    }
    expect((await h.client().get('/api/health', { host: 'example.com' })).status).toBe(421);
    expect(
      (await h.client().get('/api/health', { host: 'bms.example.com.evil.test' })).status,
    ).toBe(421);
  });

  it('checks X-Forwarded-Host only behind a trusted proxy', async () => {
    const proxied = await makeHarness({
      config: { trustProxy: 1, allowedHosts: ['bms.example.com'] },
    });
    const ok = await proxied
      .client()
      .get('/api/health', { host: 'app:8787', 'x-forwarded-host': 'bms.example.com' });
    expect(ok.status).toBe(200);
    const bad = await proxied
      .client()
      .get('/api/health', { 'x-forwarded-host': 'attacker.example' });
    expect(bad.status).toBe(421);

    const direct = await makeHarness({
      config: { trustProxy: 0, allowedHosts: ['bms.example.com'] },
    });
    const ignored = await direct
      .client()
      .get('/api/health', { host: 'attacker.example', 'x-forwarded-host': 'bms.example.com' });
    expect(ignored.status).toBe(421);
  });

  it('refuses ALLOWED_HOSTS entries that are not host names', () => {
    for (const bad of ['https://bms.example.com', 'bms.example.com:443', '*.example.com', 'a b']) {
      expect(() => loadConfig({ ALLOWED_HOSTS: bad }), bad).toThrow(/ALLOWED_HOSTS/);
    }
  });

  it('never takes a name for an allowed one by its prefix, suffix or port (property)', () => {
    fc.assert(
      fc.property(
        fc.domain(),
        fc.domain(),
        fc.integer({ min: 1, max: 65535 }),
        (allowed, other, port) => {
          fc.pre(allowed !== other && !other.endsWith('.localhost') && other !== 'localhost');
          expect(hostAllowed(hostName(`${allowed}:${port}`), [allowed])).toBe(true);
          expect(hostAllowed(hostName(`${other}:${port}`), [allowed])).toBe(false);
          expect(hostAllowed(hostName(`${allowed}.${other}`), [allowed])).toBe(false);
        },
      ),
    );
  });
});
