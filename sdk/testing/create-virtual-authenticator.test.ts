import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { generateCode, parseKeyUri } from '../otp/index.ts';
import { createVirtualAuthenticator } from './create-virtual-authenticator.ts';

const uri =
  'otpauth://totp/Acme%20BMS:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=Acme%20BMS';
const other =
  'otpauth://totp/Other:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBV&issuer=Other&digits=8&period=60';
const at = Date.parse('2025-03-04T05:06:07Z');

describe('createVirtualAuthenticator', () => {
  it('reads the account from a QR PNG made by the qrcode package and gives the same code as sdk/otp', async () => {
    const phone = createVirtualAuthenticator();
    const account = phone.addFromQrPng(await QRCode.toBuffer(uri));
    expect(account).toEqual(parseKeyUri(uri));
    expect(phone.code(undefined, at)).toBe(generateCode(parseKeyUri(uri), at));
  });

  it.each([
    ['palette, scaled up with a margin', { scale: 6, margin: 2 }],
    [
      'coloured modules on a transparent background',
      { color: { dark: '#1a237eff', light: '#00000000' } },
    ],
  ])('reads a QR PNG drawn with %s', async (_how, options) => {
    const phone = createVirtualAuthenticator();
    expect(phone.addFromQrPng(await QRCode.toBuffer(uri, options)).secret).toBe(
      parseKeyUri(uri).secret,
    );
  });

  it('reads the account from a QR SVG made by the qrcode package', async () => {
    const phone = createVirtualAuthenticator();
    phone.addFromQrSvg(await QRCode.toString(other, { type: 'svg' }));
    expect(phone.code('bob', at)).toBe(generateCode(parseKeyUri(other), at));
  });

  it('uses its clock when no time is given, and gives the next step for nextCode', () => {
    let now = at;
    const phone = createVirtualAuthenticator({ now: () => now });
    const account = phone.addUri(uri);
    expect(phone.code()).toBe(generateCode(account, at));
    expect(phone.nextCode()).toBe(generateCode(account, at + 30_000));
    now = at + 30_000;
    expect(phone.code()).toBe(generateCode(account, at + 30_000));
  });

  it('picks accounts by label or issuer:label, and the last added by default', () => {
    const phone = createVirtualAuthenticator();
    phone.addUri(uri);
    phone.addUri(other);
    expect(phone.code('ada@example.com', at)).toBe(generateCode(parseKeyUri(uri), at));
    expect(phone.code('Acme BMS:ada@example.com', at)).toBe(generateCode(parseKeyUri(uri), at));
    expect(phone.code(undefined, at)).toHaveLength(8);
    expect(phone.accounts).toHaveLength(2);
  });

  it('advances an HOTP counter on nextCode', () => {
    const hotp = 'otpauth://hotp/X:c?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=X&counter=5';
    const phone = createVirtualAuthenticator();
    phone.addUri(hotp);
    expect(phone.code()).toBe(generateCode({ ...parseKeyUri(hotp), counter: 5 }));
    expect(phone.nextCode()).toBe(generateCode({ ...parseKeyUri(hotp), counter: 6 }));
  });

  it.each([
    [
      'an unknown label',
      (p: ReturnType<typeof createVirtualAuthenticator>) => p.code('nobody'),
      'UNKNOWN_ACCOUNT',
    ],
    [
      'no accounts',
      (p: ReturnType<typeof createVirtualAuthenticator>) => p.code(),
      'UNKNOWN_ACCOUNT',
    ],
    [
      'bytes that are not a PNG',
      (p: ReturnType<typeof createVirtualAuthenticator>) => p.addFromQrPng(new Uint8Array(20)),
      'INVALID_PNG',
    ],
    [
      'an SVG without modules',
      (p: ReturnType<typeof createVirtualAuthenticator>) =>
        p.addFromQrSvg('<svg viewBox="0 0 21 21"></svg>'),
      'INVALID_SVG',
    ],
  ])('throws a coded error for %s', (_what, act, code) => {
    expect(() => act(createVirtualAuthenticator())).toThrow(expect.objectContaining({ code }));
  });

  it('throws NO_QR_FOUND for a PNG without a QR code', async () => {
    const blank = await QRCode.toBuffer('x', { color: { dark: '#ffffffff', light: '#ffffffff' } });
    expect(() => createVirtualAuthenticator().addFromQrPng(blank)).toThrow(
      expect.objectContaining({ code: 'NO_QR_FOUND' }),
    );
  });
});
