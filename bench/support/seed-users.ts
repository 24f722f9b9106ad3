import { randomBytes } from 'node:crypto';
import { generateSecret } from '../../sdk/otp/index.ts';
import { newRecoveryCodes } from '../../sdk/verifier/recovery-hash.ts';
import { type Keyring, sealSecret } from '../../sdk/verifier/secret-box.ts';
import type { Flow } from '../../sdk/verifier/store/flow.ts';
import {
  ACTIVATE,
  INSERT_RECOVERY_CODE,
  START_ENROLMENT,
} from '../../sdk/verifier/store/statements.ts';
import { cryptoRandom, newToken, sha256, tokenId } from '../../server/crypto/tokens.ts';
import type { Store } from '../../server/store/contract.ts';

/** One seeded user, as the benches' requests need it. */
export interface SeededUser {
  userId: number;
  username: string;
  /** The factor's secret in clear and as stored (sealed under the keyring for `factor:<id>`). */
  secret: string;
  sealed: string;
  /** The open challenge's token (the client's `challengeId`), its store id and binding cookie. */
  challengeToken: string;
  challengeId: string;
  binding: string;
}

/**
 * A user's factor as set up and confirmed, in one flow of the store: the verifier's own
 * statements with a secret sealed here, so seeding spends no time on codes. The step confirmed
 * is 0, so any code of now is a fresh one.
 */
function enabledFactor(userId: string, username: string, sealed: string, now: number): Flow<null> {
  return {
    userId,
    recoveryHash: null,
    decide: () => ({
      result: null,
      writes: [
        {
          text: START_ENROLMENT,
          values: [userId, sealed, 'MFA Companion', username, now, now + 600_000],
        },
        { text: ACTIVATE, values: [userId, 0, now] },
        ...newRecoveryCodes(userId, 10).hashes.map((hash) => ({
          text: INSERT_RECOVERY_CODE,
          values: [userId, hash],
        })),
      ],
      events: [],
    }),
  };
}

/**
 * Seeds `count` users straight into the store, each as a user who enabled MFA and has just
 * passed the password step: an active factor, ten recovery codes (the code step counts them)
 * and one open login challenge made as the server makes them, so the store's indexes grow as
 * they would. Batches of 1 000 share group commits.
 *
 * @example const users = await seedUsers(store, ring, 60_000, 'not-a-hash');
 */
export async function seedUsers(
  store: Store,
  ring: Keyring,
  count: number,
  passwordHash: string,
): Promise<SeededUser[]> {
  const seeded: SeededUser[] = [];
  const now = Date.now();
  for (let from = 0; from < count; from += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, count - from) }, async (_, k) => {
        const i = from + k;
        const username = `user${i}@bench.test`;
        const user = (await store.createUser(
          {
            username,
            name: `User ${i}`,
            kind: 'employee',
            role: 'user',
            authType: 'password',
            passwordHash,
          },
          now,
        ))!;
        const secret = generateSecret();
        const sealed = sealSecret(ring, secret, `factor:${user.id}`);
        await store.runFactorFlow(enabledFactor(String(user.id), username, sealed, now));
        const challengeToken = newToken(cryptoRandom);
        const challengeId = tokenId(challengeToken);
        const binding = randomBytes(32).toString('base64url');
        await store.createChallenge({
          id: challengeId,
          userId: user.id,
          kind: 'mfa',
          binding: sha256(binding),
          createdAt: now,
          expiresAt: now + 300_000,
        });
        seeded[i] = {
          userId: user.id,
          username,
          secret,
          sealed,
          challengeToken,
          challengeId,
          binding,
        };
      }),
    );
  }
  return seeded;
}
