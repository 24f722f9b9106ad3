import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref } from './hash-route.ts';

describe('parseRoute', () => {
  it.each([
    ['', 'codes'],
    ['#', 'codes'],
    ['#/', 'codes'],
    ['#/settings', 'settings'],
    ['#/settings/', 'settings'],
    ['#/add', 'add'],
    ['#/nowhere', 'not-found'],
  ])('reads %j as the %s screen', (hash, name) => {
    expect(parseRoute(hash).name).toBe(name);
  });

  it('hands the percent-encoded key of a deep link to the add screen intact', () => {
    const uri = 'otpauth://totp/ACME:ann@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME';
    const route = parseRoute(`#/add?uri=${encodeURIComponent(uri)}`);
    expect(route.name === 'add' && route.params.get('uri')).toBe(uri);
  });

  it('reads an account id and round-trips it through routeHref', () => {
    const route = parseRoute('#/account/a%2Fb');
    expect(route).toEqual({ name: 'account', id: 'a/b' });
    expect(parseRoute(routeHref(route))).toEqual(route);
  });

  it('treats a malformed percent-encoding as not found instead of throwing', () => {
    expect(parseRoute('#/account/%E0%A4%A').name).toBe('not-found');
  });
});
