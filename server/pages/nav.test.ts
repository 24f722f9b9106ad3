import { describe, expect, it } from 'vitest';
import { NAV, safeNext } from './nav.ts';

describe('safeNext', () => {
  it.each([
    ['/admin/contacts?q=ann', '/admin/contacts?q=ann'],
    ['/profile', '/profile'],
    [null, '/profile'],
    ['', '/profile'],
    ['//evil.example/x', '/profile'],
    ['https://evil.example/', '/profile'],
    ['/\\evil.example', '/profile'],
    ['javascript:alert(1)', '/profile'],
  ])('sends %j to %j', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});

describe('NAV', () => {
  it('puts every admin page under Admin in its breadcrumb, and My Profile first for everyone', () => {
    expect(NAV[0]).toMatchObject({ path: '/profile', admin: false });
    for (const item of NAV.filter((n) => n.admin)) expect(item.trail[0]).toBe('Admin');
  });
});
