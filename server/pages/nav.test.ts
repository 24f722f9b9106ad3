import fc from 'fast-check';
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
    // Browsers drop TAB, CR and LF from URLs: each of these is `//evil.example/` to them.
    ['/\t/evil.example/', '/profile'],
    ['/\n/evil.example/', '/profile'],
    ['/\r/evil.example', '/profile'],
    ['/%09/evil.example/', '/%09/evil.example/'],
    ['/ /evil.example', '/%20/evil.example'],
    ['/profile#\nx', '/profile#x'],
    // Dot segments that would leave a protocol-relative path.
    ['/..//evil.example/', '/profile'],
    ['/.//evil.example', '/profile'],
    ['/a/../..//evil.example', '/profile'],
  ])('sends %j to %j', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });

  // What browsers and servers might do with the answer: it must name a path of this origin
  // whichever origin it is resolved against, and carry nothing a header cannot hold.
  const sameOrigin = (path: string) =>
    ['http://127.0.0.1:8787', 'https://bms.example.com'].every((origin) => {
      try {
        return new URL(path, origin).origin === new URL(origin).origin;
      } catch {
        return false; // not even a URL ('//' alone)
      }
    });
  const piece = fc.constantFrom(
    '/',
    '//',
    '\\',
    '\t',
    '\n',
    '\r',
    '%09',
    '%0a',
    '%2f',
    '%5c',
    '@',
    ':',
    '.',
    '..',
    'evil.example',
    'http:',
    'https:',
    'javascript:',
    'user:pass@',
    '?',
    '#',
    ' ',
    '\u0000',
    'admin',
    '%',
    'é',
  );
  const candidate = fc.oneof(
    fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')),
    fc.string({ maxLength: 20 }),
    fc.string({ maxLength: 20 }).map((s) => `/${s}`),
  );

  it('accepts only same-origin paths, over generated strings', () => {
    fc.assert(
      fc.property(candidate, (next) => {
        const out = safeNext(next);
        expect(out.startsWith('/')).toBe(true);
        expect([...out].some((ch) => ch.charCodeAt(0) < 0x20 || ch === '\u007f')).toBe(false);
        expect(sameOrigin(out)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('NAV', () => {
  it('puts every admin page under Admin in its breadcrumb, and My Profile first for everyone', () => {
    expect(NAV[0]).toMatchObject({ path: '/profile', admin: false });
    for (const item of NAV.filter((n) => n.admin)) expect(item.trail[0]).toBe('Admin');
  });
});
