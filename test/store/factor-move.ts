/**
 * The move of the second factor into the verifier library's tables (SQLite 0009, PostgreSQL
 * 0008), checked the same way on both stores: four users' factors, recovery codes and MFA
 * counters as the releases before it wrote them, then what the store must do with them after.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { generateCode, generateSecret, type OtpAccount } from '../../sdk/otp/index.ts';
import { factorFlows } from '../../sdk/verifier/factor-flows.ts';
import { newRecoveryCodes } from '../../sdk/verifier/recovery-hash.ts';
import { keyringOf, sealSecret } from '../../sdk/verifier/secret-box.ts';
import type { Store } from '../../server/store/contract.ts';
import { MIN, wrongCode } from './code-login-contract.ts';

const account = (secret: string): OtpAccount => ({
  type: 'totp',
  secret,
  label: 'x',
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
});

/**
 * The old rows, as statements both dialects read (numbered parameters), and `check`, which opens
 * them through the migrated store. A: active, 3 recovery codes (one used). B: active, locked a
 * second time (2 locks) for 10 more minutes. C: a pending set-up. D: active, 2 wrong codes of 3.
 *
 * @example for (const s of fixture.statements) run(s.text, s.values); await fixture.check(store);
 */
export function oldFactors(now: number) {
  const keyring = keyringOf([randomBytes(32)]);
  // As the server wrote them: secrets sealed for `factor:<id>`, codes hashed with the user's id.
  const [a, b, d] = [0, 1, 2].map(() => account(generateSecret())) as [
    OtpAccount,
    OtpAccount,
    OtpAccount,
  ];
  const aCodes = newRecoveryCodes(1, 3);
  const lastStep = Math.floor(now / 30_000) - 1;
  const sealed = (secret: string, id: number) => sealSecret(keyring, secret, `factor:${id}`);
  const factor = (values: unknown[]) => ({
    text: `INSERT INTO factors (user_id, status, secret, last_step, created_at, expires_at,
      enabled_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    values,
  });
  const code = (hash: string, usedAt: number | null) => ({
    text: 'INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES (1, $1, $2)',
    values: [hash, usedAt],
  });
  const counter = (userId: number, count: number, locks: number, lockedUntil: number | null) => ({
    text: `INSERT INTO failure_counters (user_id, kind, count, locks, locked_until)
      VALUES ($1, 'mfa', $2, $3, $4)`,
    values: [userId, count, locks, lockedUntil],
  });
  const statements = [
    ...[1, 2, 3, 4].map((id) => ({
      text: `INSERT INTO users (id, username, name, kind, role, auth_type, created_at)
        VALUES ($1, $2, 'U', 'employee', 'user', 'password', 0)`,
      values: [id, `u${id}@x.test`],
    })),
    factor([1, 'active', sealed(a.secret, 1), lastStep, 0, null, 5]),
    factor([2, 'active', sealed(b.secret, 2), lastStep, 0, null, 6]),
    factor([3, 'pending', sealed('JBSWY3DPEHPK3PXP', 3), null, 0, now + 600_000, null]),
    factor([4, 'active', sealed(d.secret, 4), lastStep, 0, null, 7]),
    code(aCodes.hashes[0]!, null),
    code(aCodes.hashes[1]!, now - 1000),
    code(aCodes.hashes[2]!, null),
    counter(4, 2, 0, null),
    counter(2, 0, 2, now + 10 * MIN),
  ];

  /** Each factor works after the move as it did before it. */
  const check = async (store: Store) => {
    const clock = { now };
    const flows = factorFlows({
      keyring,
      limits: { threshold: 3, lockMs: 15 * MIN },
      enrolmentTtlMs: 10 * MIN,
      recoveryCodeCount: 3,
      now: () => clock.now,
      secretContext: (id) => `factor:${id}`,
    });
    const verify = (id: string, typed: string) => store.runFactorFlow(flows.verify(id, typed));
    expect(await store.getFactor(1)).toEqual({
      status: 'active',
      expiresAt: null,
      enabledAt: 5,
      lockedUntil: null,
      recoveryCodesLeft: 2,
    });
    expect(await store.getFactor(3)).toMatchObject({ status: 'pending', expiresAt: now + 600_000 });
    expect(await store.getFactor(5)).toBeNull();
    // The same secret's code verifies, after the step accepted before (which stays spent).
    const at = (steps: number) => generateCode(a, (lastStep + steps) * 30_000);
    expect((await verify('1', at(1))).result).toMatchObject({ ok: true });
    expect((await verify('1', at(0))).result).toMatchObject({ reason: 'replayed' });
    // The unused recovery code works once; the used one stays used.
    const [unused, spent] = aCodes.codes as [string, string];
    expect((await verify('1', unused)).result).toEqual({
      ok: true,
      usedRecoveryCode: true,
      recoveryCodesLeft: 1,
    });
    expect((await verify('1', unused)).result).toMatchObject({ reason: 'replayed' });
    expect((await verify('1', spent)).result).toMatchObject({ reason: 'replayed' });
    // D's count goes on: one more wrong code locks.
    expect((await verify('4', wrongCode(d, clock.now))).events).toEqual(['failed', 'locked']);
    // B's lock runs on, refusing even a right code, and the next lasts as the third would.
    expect(await store.getFactor(2)).toMatchObject({ lockedUntil: now + 10 * MIN });
    expect((await verify('2', generateCode(b, now))).result).toEqual({
      ok: false,
      reason: 'locked',
      retryAfter: 10 * MIN,
    });
    clock.now += 10 * MIN;
    const wrong = () => verify('2', wrongCode(b, clock.now));
    await wrong();
    await wrong();
    expect((await wrong()).result).toEqual({ ok: false, reason: 'locked', retryAfter: 75 * MIN });
  };

  return { statements, check };
}
