import { describe, expect, it } from 'vitest';
import { createCookieJar } from './cookie-jar.ts';

function headersWith(...setCookies: string[]): Headers {
  const headers = new Headers();
  for (const line of setCookies) headers.append('set-cookie', line);
  return headers;
}

describe('createCookieJar', () => {
  it('keeps the cookies an answer sets and sends them back as one Cookie header', () => {
    const jar = createCookieJar();
    jar.store(headersWith('sid=abc; Path=/; HttpOnly; SameSite=Lax', 'theme=dark'));
    expect(jar.header()).toBe('sid=abc; theme=dark');
    expect(jar.get('sid')).toBe('abc');
  });

  it('replaces a cookie set again with a new value', () => {
    const jar = createCookieJar();
    jar.store(headersWith('sid=old'));
    jar.store(headersWith('sid=new; Path=/'));
    expect(jar.header()).toBe('sid=new');
  });

  it.each([
    ['Max-Age=0', 'sid=; Max-Age=0; Path=/'],
    ['an Expires in the past', 'sid=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT'],
  ])('drops a cookie removed with %s', (_how, line) => {
    const jar = createCookieJar();
    jar.store(headersWith('sid=abc', 'other=1'));
    jar.store(headersWith(line));
    expect(jar.get('sid')).toBeUndefined();
    expect(jar.header()).toBe('other=1');
  });

  it('lets Max-Age outweigh an Expires in the past', () => {
    const jar = createCookieJar();
    jar.store(headersWith('sid=abc; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60'));
    expect(jar.get('sid')).toBe('abc');
  });

  it('accepts a session token set by hand and forgets everything on clear', () => {
    const jar = createCookieJar();
    jar.set('sid', 'token');
    expect(jar.header()).toBe('sid=token');
    jar.clear();
    expect(jar.header()).toBe('');
  });

  it('ignores Set-Cookie lines without a name', () => {
    const jar = createCookieJar();
    jar.store(headersWith('=nameless', 'novalue'));
    expect(jar.header()).toBe('');
  });
});
