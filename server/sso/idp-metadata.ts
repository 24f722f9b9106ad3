import { X509Certificate } from 'node:crypto';
import type { SamlIdpConfig, UserKind } from '../store/contract.ts';

const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

/** What an admin gives: the IdP's metadata XML, or its three values by hand. */
export type IdpInput =
  | { metadataXml: string; jitKind?: UserKind | null }
  | { entityId: string; ssoUrl: string; certificate: string; jitKind?: UserKind | null };

export type IdpParse = { ok: true; config: SamlIdpConfig } | { ok: false; problem: string };

const attr = (tag: string, name: string) =>
  new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`)
    .exec(tag)
    ?.slice(1)
    .find((v) => v !== undefined);

/**
 * A PEM certificate from PEM or bare base64 (as metadata holds it), checked to be one X.509
 * certificate Node can read; null otherwise.
 */
export function pemCertificate(text: string): string | null {
  const body = text.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return null;
  const pem = `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)?.join('\n')}\n-----END CERTIFICATE-----\n`;
  try {
    new X509Certificate(pem);
    return pem;
  } catch {
    return null;
  }
}

function httpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The IdP configuration from an admin's input. From metadata: the `EntityDescriptor`'s
 * `entityID`, the HTTP-Redirect `SingleSignOnService` of its `IDPSSODescriptor` and the first
 * signing certificate (a `KeyDescriptor` with `use="signing"` or no `use`). The metadata is read
 * as text, never with entities expanded (a DTD is refused).
 */
export function parseIdpInput(input: IdpInput): IdpParse {
  const jitKind = input.jitKind ?? null;
  let entityId: string;
  let ssoUrl: string;
  let certificate: string | null;
  if ('metadataXml' in input) {
    const xml = input.metadataXml;
    if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return { ok: false, problem: 'metadata with a DTD' };
    const descriptor = /<(?:[\w.-]+:)?EntityDescriptor\b[^>]*>/.exec(xml)?.[0];
    const idp = /<(?:[\w.-]+:)?IDPSSODescriptor\b[\s\S]*?<\/(?:[\w.-]+:)?IDPSSODescriptor>/.exec(
      xml,
    )?.[0];
    if (!descriptor || !idp) {
      return { ok: false, problem: 'no EntityDescriptor with an IDPSSODescriptor' };
    }
    entityId = attr(descriptor, 'entityID') ?? '';
    const services = [...idp.matchAll(/<(?:[\w.-]+:)?SingleSignOnService\b[^>]*>/g)].map(
      (m) => m[0],
    );
    ssoUrl = attr(services.find((s) => attr(s, 'Binding') === REDIRECT) ?? '', 'Location') ?? '';
    if (!ssoUrl)
      return { ok: false, problem: 'no SingleSignOnService with the HTTP-Redirect binding' };
    const keys = [
      ...idp.matchAll(
        /<(?:[\w.-]+:)?KeyDescriptor\b([^>]*)>([\s\S]*?)<\/(?:[\w.-]+:)?KeyDescriptor>/g,
      ),
    ];
    const signing = keys.find((k) => (attr(k[1] ?? '', 'use') ?? 'signing') === 'signing');
    const cert = /<(?:[\w.-]+:)?X509Certificate>([^<]*)</.exec(signing?.[2] ?? '')?.[1];
    certificate = cert ? pemCertificate(cert) : null;
    if (!certificate) return { ok: false, problem: 'no readable signing certificate' };
  } else {
    ({ entityId, ssoUrl } = input);
    certificate = pemCertificate(input.certificate);
    if (!certificate) return { ok: false, problem: 'certificate: not one X.509 certificate (PEM)' };
  }
  if (!entityId || entityId.length > 1024) return { ok: false, problem: 'entityId: missing' };
  if (!httpUrl(ssoUrl)) return { ok: false, problem: 'ssoUrl: not an http(s) URL' };
  return { ok: true, config: { entityId, ssoUrl, certificate, jitKind } };
}
