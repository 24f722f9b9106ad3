import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyringOf, openSecret, sealSecret } from '../../sdk/verifier/secret-box.ts';
import { loadKeyring } from './keyring.ts';

const k1 = Buffer.alloc(32, 1);
const k2 = Buffer.alloc(32, 2);

describe('secret box', () => {
  it('round-trips with a fresh IV each time and names its key', () => {
    const ring = keyringOf([k1]);
    const a = sealSecret(ring, 'JBSWY3DPEHPK3PXP', 'factor:1');
    const b = sealSecret(ring, 'JBSWY3DPEHPK3PXP', 'factor:1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(a.split('.')[1]).toBe(ring.current.id);
    expect(openSecret(ring, a, 'factor:1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses another context, a tampered ciphertext and an unknown key', () => {
    const ring = keyringOf([k1]);
    const box = sealSecret(ring, 'SECRET', 'factor:1');
    expect(() => openSecret(ring, box, 'factor:2')).toThrow();
    const parts = box.split('.');
    parts[3] = Buffer.from('XXXXXX').toString('base64url');
    expect(() => openSecret(ring, parts.join('.'), 'factor:1')).toThrow();
    expect(() => openSecret(keyringOf([k2]), box, 'factor:1')).toThrow(/key id/);
  });

  it('decrypts with an old key after rotation and encrypts with the new one', () => {
    const old = sealSecret(keyringOf([k1]), 'SECRET', 'c');
    const rotated = keyringOf([k2, k1]);
    expect(openSecret(rotated, old, 'c')).toBe('SECRET');
    expect(sealSecret(rotated, 'SECRET', 'c').split('.')[1]).toBe(rotated.current.id);
  });

  it('creates an owner-only key file in the data directory once and reuses it', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mfa-key-')), 'data');
    const config = { encryptionKey: null, oldEncryptionKeys: [], dataDir: dir };
    const first = loadKeyring(config);
    const second = loadKeyring(config);
    expect(second.current.id).toBe(first.current.id);
    expect(statSync(join(dir, 'encryption.key')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(Buffer.from(readFileSync(join(dir, 'encryption.key'), 'utf8'), 'base64')).toHaveLength(
      32,
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates and keeps the key file MFA_ENCRYPTION_KEY_FILE names, outside the data directory', () => {
    const root = mkdtempSync(join(tmpdir(), 'mfa-key-'));
    const config = {
      encryptionKey: null,
      oldEncryptionKeys: [],
      dataDir: join(root, 'data'),
      encryptionKeyFile: join(root, 'keys', 'mfa.key'),
    };
    const first = loadKeyring(config);
    expect(loadKeyring(config).current.id).toBe(first.current.id);
    expect(statSync(join(root, 'keys', 'mfa.key')).mode & 0o777).toBe(0o600);
    expect(() => statSync(join(root, 'data', 'encryption.key'))).toThrow();
    rmSync(root, { recursive: true, force: true });
  });

  it('uses MFA_ENCRYPTION_KEY when set, without writing a key file', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mfa-key-')), 'data');
    const ring = loadKeyring({ encryptionKey: k1, oldEncryptionKeys: [k2], dataDir: dir });
    expect(ring.current.id).toBe(keyringOf([k1]).current.id);
    expect(() => statSync(join(dir, 'encryption.key'))).toThrow();
    const old = sealSecret(keyringOf([k2]), 'OLD', 'c');
    expect(openSecret(ring, old, 'c')).toBe('OLD');
  });
});
