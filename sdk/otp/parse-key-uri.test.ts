import { describe, expect, it } from 'vitest';
import { parseKeyUri } from './parse-key-uri.ts';

const S = 'JBSWY3DPEHPK3PXP';

describe('parseKeyUri: the spec example', () => {
  it('reads issuer, label and the defaults', () => {
    expect(
      parseKeyUri(`otpauth://totp/Example:alice@google.com?secret=${S}&issuer=Example`),
    ).toStrictEqual({
      type: 'totp',
      secret: S,
      issuer: 'Example',
      label: 'alice@google.com',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
  });
  it('reads every parameter', () => {
    const a = parseKeyUri(
      `otpauth://totp/ACME:bob?secret=${S}&issuer=ACME&algorithm=SHA512&digits=8&period=60`,
    );
    expect([a.algorithm, a.digits, a.period]).toEqual(['SHA512', 8, 60]);
  });
});

describe('parseKeyUri: real-world URIs', () => {
  it.each([
    ['a secret with spaces (%20)', 'JBSW%20Y3DP%20EHPK%203PXP'],
    ['a secret with + for spaces', 'JBSW+Y3DP+EHPK+3PXP'],
    ['a secret with dashes', 'JBSW-Y3DP-EHPK-3PXP'],
    ['a lower-case secret', 'jbswy3dpehpk3pxp'],
    ['a padded secret', 'JBSWY3DPEHPK3PXP%3D%3D%3D'],
    ['a padded secret with raw =', 'JBSWY3DPEHPK3PXP==='],
  ])('accepts %s', (_, secret) => {
    expect(parseKeyUri(`otpauth://totp/x?secret=${secret}`).secret).toBe(S);
  });

  it('takes the issuer from the label prefix when there is no parameter', () => {
    const a = parseKeyUri(`otpauth://totp/GitHub:octocat?secret=${S}`);
    expect([a.issuer, a.label]).toEqual(['GitHub', 'octocat']);
  });
  it('allows a space after the colon, literal or encoded', () => {
    expect(parseKeyUri(`otpauth://totp/GitHub:%20octocat?secret=${S}`).label).toBe('octocat');
    expect(parseKeyUri(`otpauth://totp/GitHub%3A%20octocat?secret=${S}`).issuer).toBe('GitHub');
  });
  it('lets the issuer parameter win over a different prefix, dropping the prefix', () => {
    const a = parseKeyUri(`otpauth://totp/OldName:alice?secret=${S}&issuer=NewName`);
    expect([a.issuer, a.label]).toEqual(['NewName', 'alice']);
  });
  it('splits on the issuer prefix even when the issuer contains a colon', () => {
    const a = parseKeyUri(`otpauth://totp/Foo%3A%20Bar:alice?secret=${S}&issuer=Foo%3A%20Bar`);
    expect([a.issuer, a.label]).toEqual(['Foo: Bar', 'alice']);
  });
  it('keeps a label without prefix whole and takes the issuer from the parameter', () => {
    const a = parseKeyUri(`otpauth://totp/alice?secret=${S}&issuer=ACME`);
    expect([a.issuer, a.label]).toEqual(['ACME', 'alice']);
  });
  it('treats an empty issuer parameter as no issuer and keeps the label whole', () => {
    const a = parseKeyUri(`otpauth://totp/a%3Ab?secret=${S}&issuer=`);
    expect(a.issuer).toBeUndefined();
    expect(a.label).toBe('a:b');
  });
  it.each([
    ['@', 'alice%40example.com', 'alice@example.com'],
    ['+ (a literal plus in the path)', 'alice+test@example.com', 'alice+test@example.com'],
    ['+ encoded', 'alice%2Btest%40example.com', 'alice+test@example.com'],
    ['spaces', 'Alice%20Smith', 'Alice Smith'],
    ['emoji', '%F0%9F%94%90%20vault', '🔐 vault'],
    ['raw emoji', '🔐 vault', '🔐 vault'],
    ['an encoded colon in the account part', 'team%3Aalice', 'team:alice'],
  ])('decodes a label with %s', (_, raw, label) => {
    expect(parseKeyUri(`otpauth://totp/ACME:${raw}?secret=${S}&issuer=ACME`).label).toBe(label);
  });
  it('keeps a raw # in the label (Entra ID #EXT# guest accounts)', () => {
    const uri = `otpauth://totp/Microsoft:alice_contoso.com#EXT#@fabrikam.onmicrosoft.com?secret=${S}&issuer=Microsoft`;
    const a = parseKeyUri(uri);
    expect([a.issuer, a.label, a.secret]).toEqual([
      'Microsoft',
      'alice_contoso.com#EXT#@fabrikam.onmicrosoft.com',
      S,
    ]);
  });
  it('decodes a form-encoded issuer parameter', () => {
    expect(parseKeyUri(`otpauth://totp/x?secret=${S}&issuer=Big+Corp%20Ltd`).issuer).toBe(
      'Big Corp Ltd',
    );
  });
  it.each(['sha256', 'Sha256', 'SHA-256', 'sha-256'])('reads algorithm=%s as SHA256', (name) => {
    expect(parseKeyUri(`otpauth://totp/x?secret=${S}&algorithm=${name}`).algorithm).toBe('SHA256');
  });
  it('reads an HOTP URI with its counter', () => {
    const a = parseKeyUri(`otpauth://hotp/ACME:bob?secret=${S}&issuer=ACME&counter=42`);
    expect(a).toMatchObject({ type: 'hotp', counter: 42, label: 'bob' });
  });
  it('accepts upper-case scheme, type and parameter names', () => {
    const a = parseKeyUri(`OTPAUTH://TOTP/x?SECRET=${S}&Digits=8`);
    expect([a.type, a.secret, a.digits]).toEqual(['totp', S, 8]);
  });
  it('accepts a URI without label', () => {
    expect(parseKeyUri(`otpauth://totp?secret=${S}`).label).toBe('');
  });
  it('ignores unknown parameters (image, color) and a counter on TOTP', () => {
    const a = parseKeyUri(`otpauth://totp/x?secret=${S}&image=https%3A%2F%2Fx%2Fy.png&counter=3`);
    expect(a).not.toHaveProperty('counter');
  });
  it('treats empty optional parameters as their defaults', () => {
    const a = parseKeyUri(`otpauth://totp/x?secret=${S}&algorithm=&digits=&period=`);
    expect([a.algorithm, a.digits, a.period]).toEqual(['SHA1', 6, 30]);
  });
});
