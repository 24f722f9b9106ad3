/**
 * The API's answer shapes are declared once for clients (sdk/client/types.ts, published) and
 * once as the zod schemas that validate requests and document /api/openapi.json
 * (server/routes/schemas.ts). This file makes the two one: each line fails to compile — and so
 * the suite's type check (typecheck.test.ts) fails — when a schema and its client type differ.
 */
import type { z } from '@hono/zod-openapi';
import type * as api from '../../sdk/client/types.ts';
import type * as s from '../../server/routes/schemas.ts';
import type { UserView } from '../../server/services/user-view.ts';

/** `true` only when A and B are the same type (each assignable to the other). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Out<T extends z.ZodType> = z.infer<T>;
type In<T extends z.ZodType> = z.input<T>;

export const shapes: true[] = [
  true satisfies Same<Out<typeof s.User>, api.User>,
  true satisfies Same<UserView, api.User>,
  true satisfies Same<In<typeof s.LoginBody>, api.LoginRequest>,
  true satisfies Same<Out<typeof s.LoginAnswer>, api.LoginResult>,
  true satisfies Same<Out<typeof s.Authenticated>, api.MfaLoginResult>,
  true satisfies Same<Out<typeof s.SetupKey>, api.MfaSetup>,
  true satisfies Same<Out<typeof s.AuthenticatedWithCodes>, api.MfaSetupVerifyResult>,
  true satisfies Same<Out<typeof s.RecoveryCodes>, api.RecoveryCodes>,
  true satisfies Same<In<typeof s.PolicyBody>, api.Policy>,
  true satisfies Same<Out<typeof s.PolicyAnswer>, api.PolicyResult>,
  true satisfies Same<Out<typeof s.UserList>, api.UserPage>,
  true satisfies Same<Out<typeof s.UserCount>, api.UserCount>,
  true satisfies Same<Out<typeof s.BatchAnswer>, api.BatchDisableResult>,
  true satisfies Same<Out<typeof s.AuditList>, api.AuditPage>,
  true satisfies Same<Out<typeof s.Health>, api.Health>,
];
