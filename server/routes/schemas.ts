/** The API's request and answer schemas: they validate requests and generate /api/openapi.json. */
import { z } from '@hono/zod-openapi';
import { ErrorCode } from '../../sdk/client/error-codes.ts';

const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
    }),
  })
  .openapi('Error');

export const User = z
  .object({
    id: z.number().int(),
    username: z.string(),
    name: z.string(),
    kind: z.enum(['employee', 'contact']),
    role: z.enum(['admin', 'user']),
    authType: z.enum(['password', 'saml']),
    mfa: z.object({
      enabled: z.boolean(),
      enrolledAt: z.string().nullable(),
      recoveryCodesLeft: z.number().int(),
    }),
  })
  .openapi('User');

export const MeAnswer = z.object({ user: User });

/** A TOTP code (6 digits) or a recovery code, as typed: spaces and dashes allowed. */
export const Code = z.string().min(1).max(64).openapi({ example: '492039' });
const ChallengeId = z.string().min(1).max(128);

/**
 * Request bodies are strict: an unknown field is refused (400 `VALIDATION_FAILED` naming it), so a
 * misspelt `requireMfaForNonSsoUser` or a stray `userId` is an error, never silently ignored.
 */
export const LoginBody = z.strictObject({
  username: z.string().min(1).max(254),
  password: z.string().min(1).max(1024),
});
export const LoginAnswer = z
  .union([
    z.object({ status: z.literal('authenticated'), user: User }),
    z.object({ status: z.enum(['mfa_required', 'mfa_setup_required']), challengeId: z.string() }),
  ])
  .openapi('LoginAnswer');

export const ChallengeBody = z.strictObject({ challengeId: ChallengeId });
export const ChallengeCodeBody = z.strictObject({ challengeId: ChallengeId, code: Code });
export const CodeBody = z.strictObject({ code: Code });

export const Authenticated = z.object({
  status: z.literal('authenticated'),
  user: User,
  usedRecoveryCode: z.boolean(),
});
export const AuthenticatedWithCodes = z.object({
  status: z.literal('authenticated'),
  user: User,
  recoveryCodes: z.array(z.string()),
});
export const SetupKey = z
  .object({ secret: z.string(), otpauthUri: z.string(), qrSvg: z.string(), expiresAt: z.string() })
  .openapi('SetupKey');
export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });

export const PolicyBody = z
  .strictObject({ requireMfaForNonSsoUsers: z.boolean() })
  .openapi('Policy');
export const PolicyAnswer = z.object({
  requireMfaForNonSsoUsers: z.boolean(),
  /** True when the acting admin must set MFA up at the next login. */
  adminMustSetUp: z.boolean().optional(),
});

const limit = (fallback: number) => z.coerce.number().int().min(1).max(200).default(fallback);
const cursor = z.coerce.number().int().min(0).optional();

export const UsersQuery = z.object({
  kind: z.enum(['employee', 'contact']).optional(),
  mfa: z.enum(['enabled', 'disabled']).optional(),
  q: z.string().max(100).optional(),
  limit: limit(50),
  cursor,
});
export const UserList = z.object({
  users: z.array(
    z.object({
      id: z.number().int(),
      username: z.string(),
      name: z.string(),
      kind: z.enum(['employee', 'contact']),
      role: z.enum(['admin', 'user']),
      authType: z.enum(['password', 'saml']),
      mfaEnabled: z.boolean(),
    }),
  ),
  nextCursor: z.number().int().nullable(),
});

export const UserCountQuery = UsersQuery.pick({ kind: true, mfa: true, q: true });
export const UserCount = z.object({
  count: z.number().int().nullable(),
  capped: z.boolean(),
});

export const UserIdParam = z.object({ id: z.coerce.number().int().min(1) });
export const BatchBody = z.strictObject({
  userIds: z.array(z.number().int().min(1)).min(1).max(1000),
});
export const BatchAnswer = z.object({
  disabled: z.array(z.number().int()),
  skipped: z.array(
    z.object({ id: z.number().int(), reason: z.enum(['USER_NOT_FOUND', 'MFA_NOT_ENABLED']) }),
  ),
});

/** An ISO 8601 date-time in a query, as epoch milliseconds. */
const instant = z.iso
  .datetime({ offset: true })
  .transform((v) => Date.parse(v))
  .optional();
export const AuditQuery = z.object({
  limit: limit(50),
  cursor,
  actor: z.string().min(1).max(200).optional(),
  action: z.string().min(1).max(100).optional(),
  from: instant,
  to: instant,
});
export const AuditList = z.object({
  events: z.array(
    z.object({
      at: z.string(),
      actor: z.string(),
      action: z.string(),
      target: z.string().nullable(),
      ip: z.string(),
    }),
  ),
  nextCursor: z.number().int().nullable(),
});

export const Health = z.object({ ok: z.literal(true), store: z.enum(['sqlite', 'postgres']) });

/** `request.body` of a route taking JSON. */
export const json = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

/** A 200 JSON answer. */
export const ok = <T extends z.ZodType>(schema: T, description: string) => ({
  200: { content: { 'application/json': { schema } }, description },
});

/** Error answers, documented with the shared error body. */
export const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      { content: { 'application/json': { schema: ErrorBody } }, description: `error ${s}` },
    ]),
  );
