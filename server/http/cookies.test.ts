import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { clearBindingCookie, readCookie, setSessionCookie } from './cookies.ts';

const read = async (cookie: string | undefined, name: string) => {
  const app = new Hono().get('/', (c) => c.json({ value: readCookie(c, name) ?? null }));
  const res = await app.request('/', { headers: cookie === undefined ? {} : { cookie } });
  return ((await res.json()) as { value: string | null }).value;
};

describe('readCookie', () => {
  it('finds one cookie among several, whatever the spacing', async () => {
    expect(await read('a=1; mfa_session=tok-en_1;b=2', 'mfa_session')).toBe('tok-en_1');
    expect(await read('mfa_session=x', 'mfa_session')).toBe('x');
    expect(await read(' a=1 ;  mfa_session = y ', 'mfa_session')).toBe('y');
  });

  it('does not take a cookie whose name only contains the one asked for', async () => {
    expect(await read('xmfa_session=1; mfa_session_old=2', 'mfa_session')).toBeNull();
  });

  it('unquotes and decodes like a browser-set value, and refuses a malformed escape', async () => {
    expect(await read('k="v1"', 'k')).toBe('v1');
    expect(await read('k=a%20b', 'k')).toBe('a b');
    expect(await read('k=%E0%A4%A', 'k')).toBeNull();
  });

  it('gives nothing for a missing header, a missing cookie or an empty value', async () => {
    expect(await read(undefined, 'k')).toBeNull();
    expect(await read('a=1', 'k')).toBeNull();
    expect(await read('k=', 'k')).toBeNull();
  });
});

describe('Set-Cookie lines', () => {
  const config = loadConfig({ DATA_DIR: '/nonexistent' });
  const lines = async (url: string) => {
    const app = new Hono().get('/', (c) => {
      setSessionCookie(c, config, 'tok');
      clearBindingCookie(c, config);
      return c.body(null, 204);
    });
    return (await app.request(url)).headers.getSetCookie();
  };

  it('sets the session HttpOnly and Lax, clears the binding on its path, Secure off localhost', async () => {
    const ttl = Math.floor(config.sessionAbsoluteMs / 1000);
    expect(await lines('http://localhost/')).toEqual([
      `mfa_session=tok; Max-Age=${ttl}; Path=/; HttpOnly; SameSite=Lax`,
      'mfa_challenge=; Max-Age=0; Path=/api/login; HttpOnly; SameSite=Strict',
    ]);
    for (const line of await lines('http://bms.example.com/')) expect(line).toMatch(/; Secure;/);
  });
});
