import { describe, expect, it } from 'vitest';
import * as otp from '../../sdk/otp/index.ts';
import { markDuplicates } from './find-duplicates.ts';
import {
  ADD_ERROR_CODES,
  type ManualFields,
  readKeyText,
  readManualFields,
} from './read-key-text.ts';

const uri = 'otpauth://totp/ACME:ann@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME';

describe('readKeyText', () => {
  it('reads an otpauth URI as one account, surrounding whitespace and scheme case aside', () => {
    expect(readKeyText(`  ${uri.replace('otpauth', 'OTPAUTH')}\n`)).toEqual({
      ok: true,
      accounts: [otp.parseKeyUri(uri)],
    });
  });

  it('reads every account of a Google Authenticator export', () => {
    const accounts = [
      otp.parseKeyUri(uri),
      otp.parseKeyUri(uri.replace('ann', 'bob').replace('JBSW', 'GEZD')),
    ];
    const [exported] = otp.encodeMigrationUris(accounts);
    expect(readKeyText(exported ?? '')).toEqual({ ok: true, accounts });
  });

  it('reads a plain-text export, one URI per line, and refuses it whole when a line is bad', () => {
    const second = uri.replace('ann', 'bob').replace('JBSW', 'GEZD');
    expect(readKeyText(`${uri}\r\n\n${second}\n`)).toEqual({
      ok: true,
      accounts: [otp.parseKeyUri(uri), otp.parseKeyUri(second)],
    });
    const bad = readKeyText(`${uri}\nhttps://example.com`);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message.startsWith('Line 2:')).toBe(true);
  });

  it.each(['https://example.com/otpauth://totp', 'hello', '', 'mailto:a@b.c'])(
    'refuses %j as not an authenticator key',
    (text) => {
      const result = readKeyText(text);
      expect(result.ok === false && result.code).toBe(ADD_ERROR_CODES.NOT_A_KEY);
    },
  );

  it.each([
    [uri.replace('JBSWY3DPEHPK3PXP', 'JBSW!'), 'INVALID_SECRET'],
    [`${uri}&digits=9`, 'INVALID_DIGITS'],
    ['otpauth-migration://offline?data=%%%', 'INVALID_MIGRATION'],
  ])('passes on the sdk/otp code and message for %s', (text, code) => {
    const result = readKeyText(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe(code);
      expect(result.message.length).toBeGreaterThan(10);
    }
  });
});

describe('readManualFields', () => {
  const fields: ManualFields = {
    issuer: 'ACME',
    label: 'ann@example.com',
    secret: 'jbsw-y3dp ehpk 3pxp',
    type: 'totp',
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    counter: 0,
  };

  it('accepts a secret typed the way the BMS shows it (groups, dashes, lower case)', () => {
    expect(readManualFields(fields)).toEqual({ ok: true, accounts: [otp.parseKeyUri(uri)] });
  });

  it('keeps the counter for HOTP only', () => {
    const hotp = readManualFields({ ...fields, type: 'hotp', counter: 7 });
    expect(hotp.ok && hotp.accounts[0]?.counter).toBe(7);
    const totp = readManualFields({ ...fields, counter: 7 });
    expect(totp.ok && totp.accounts[0]?.counter).toBeUndefined();
  });

  it('asks for a name when issuer and account are both blank', () => {
    const result = readManualFields({ ...fields, issuer: ' ', label: '' });
    expect(result.ok === false && result.code).toBe(ADD_ERROR_CODES.MISSING_NAME);
  });

  it.each([
    [{ secret: 'not base32!' }, 'INVALID_SECRET'],
    [{ digits: 5 }, 'INVALID_DIGITS'],
    [{ period: 0 }, 'INVALID_PERIOD'],
  ])('reports %o with the sdk/otp code %s', (change, code) => {
    const result = readManualFields({ ...fields, ...change });
    expect(result.ok === false && result.code).toBe(code);
  });
});

describe('readKeyText with an export over several QR codes', () => {
  const many = Array.from({ length: 12 }, (_, i) => ({
    ...otp.parseKeyUri(uri),
    label: `user${i}`,
  }));
  const [first, second] = otp.encodeMigrationUris(many, { batchId: 5 }) as [string, string];
  const [, foreign] = otp.encodeMigrationUris(many, { batchId: 6 }) as [string, string];

  it('reads every part of one export, in any order', () => {
    expect(readKeyText(`${second}\n${first}`)).toEqual({ ok: true, accounts: many });
  });

  it('refuses a missing part and a part of another export', () => {
    expect(readKeyText(first)).toMatchObject({
      ok: false,
      code: 'INCOMPLETE_EXPORT',
      message: expect.stringContaining('1 of 2 are here; part 2 is missing'),
    });
    expect(readKeyText(`${first}\n${foreign}`)).toMatchObject({ ok: false, code: 'FOREIGN_PART' });
  });
});

describe('markDuplicates', () => {
  it('marks keys already in the vault and repeats within the batch', () => {
    const a = otp.parseKeyUri(uri);
    const b = otp.parseKeyUri(uri.replace('JBSW', 'GEZD'));
    const hotpA = { ...a, type: 'hotp' as const, counter: 0 };
    const marked = markDuplicates([a, b, b, hotpA], [{ id: 'e1', account: a }]);
    expect(marked.map((c) => c.duplicateOf)).toEqual(['e1', null, 'batch', null]);
  });

  it('marks an account re-enrolled with a new key (same issuer and name) as a conflict', () => {
    const a = otp.parseKeyUri(uri);
    const renewed = { ...a, secret: 'GEZDGNBVGY3TQOJQ', label: ` ${a.label.toUpperCase()} ` };
    const other = { ...a, secret: 'MFRGGZDFMZTWQ2LK', label: 'someone else' };
    const marked = markDuplicates([a, renewed, renewed, other], [{ id: 'e1', account: a }]);
    expect(marked.map((c) => [c.duplicateOf, c.conflictWith])).toEqual([
      ['e1', null],
      [null, 'e1'],
      // A second candidate cannot replace the same stored account.
      ['batch', null],
      [null, null],
    ]);
  });
});
