/**
 * Why an SSO sign-in was refused: a stable reason (the audit event's target, the login page's
 * `?sso_error=`) and the sentence shown for it. None of them repeats what the response said.
 */
export const SamlRefusal = {
  malformed: 'The identity provider’s answer could not be read as a SAML 2.0 response.',
  idp_error: 'The identity provider did not sign you in.',
  doctype: 'The SAML response holds a document type declaration, which is never accepted.',
  comment:
    'The SAML response holds comments, CDATA or processing instructions, which are never accepted (they can change what a signed name reads as).',
  wrapping:
    'The SAML response holds more than one response or assertion (a signature-wrapping attempt).',
  unsigned: 'The SAML response is not signed.',
  bad_signature:
    'The SAML response’s signature does not verify with the configured identity provider certificate.',
  issuer: 'The assertion was issued by another identity provider than the configured one.',
  audience: 'The assertion is meant for another service provider (audience).',
  destination: 'The SAML response was sent to another address (Destination).',
  recipient: 'The assertion was meant for another address (Recipient).',
  expired: 'The assertion has expired.',
  not_yet_valid: 'The assertion is not valid yet.',
  unsolicited: 'The SAML response answers no sign-in this server started, or one answered already.',
  replayed: 'This assertion was used already.',
  other_browser:
    'The SAML response answers a sign-in started in another browser (or this browser’s sign-in cookie was lost): start the sign-in again here.',
  unknown_user: 'No SSO account has this name, and accounts are not created at sign-in.',
  not_sso_user:
    'This name belongs to an account that signs in with a password: SSO never signs it in.',
} as const;
export type SamlRefusal = keyof typeof SamlRefusal;

/** Whether a query value names a refusal (the login page shows only known ones). */
export const isSamlRefusal = (value: string | undefined): value is SamlRefusal =>
  value !== undefined && Object.hasOwn(SamlRefusal, value);
