import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

/** A signing key and its self-signed certificate, both PEM. */
export interface SigningKeys {
  privateKey: string;
  certificate: string;
}

/**
 * Makes an RSA-2048 key (Node's crypto) and a self-signed X.509 certificate for it (node-forge:
 * no `openssl` needed), valid for ten years.
 *
 * @example const { privateKey, certificate } = generateSigningKeys('Test IdP');
 */
export function generateSigningKeys(commonName: string): SigningKeys {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(privateKey);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  // A positive random serial (the high bit clear), as RFC 5280 asks.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 24 * 3600_000);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(key, forge.md.sha256.create());
  return { privateKey, certificate: forge.pki.certificateToPem(cert) };
}

/**
 * The built-in test IdP's keys, kept in DATA_DIR (`test-idp-key.pem`, owner-only) so its
 * certificate stays the one configured across restarts; made on first use.
 */
export function loadTestIdpKeys(dataDir: string): SigningKeys {
  const file = join(dataDir, 'test-idp-key.pem');
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    const cert = text.indexOf('-----BEGIN CERTIFICATE-----');
    return { privateKey: text.slice(0, cert), certificate: text.slice(cert) };
  }
  const keys = generateSigningKeys('MFA Companion built-in TEST IdP');
  writeFileSync(file, `${keys.privateKey}${keys.certificate}`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return keys;
}
