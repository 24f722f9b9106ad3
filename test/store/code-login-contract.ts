/**
 * The contract suite's part for `Store.completeCodeLogin` (called by `runStoreContract`, so every
 * adapter runs it).
 */
import { describe, expect, it } from 'vitest';
import type { FactorRecord, Store, UserRecord } from '../../server/store/contract.ts';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

/**
 * @param current the store of the running test (made fresh by the suite's beforeEach)
 * @param activeFactor creates a@x.test with an active factor whose last step is 100
 * @example codeLoginContract(() => store, activeFactor);
 */
export function codeLoginContract(
  current: () => Store,
  activeFactor: () => Promise<{ user: UserRecord; factor: FactorRecord }>,
): void {
  describe('code login success (one transaction)', () => {
    const setUp = async () => {
      const { user, factor } = await activeFactor();
      await current().createChallenge({
        id: 'c1',
        userId: user.id,
        kind: 'mfa',
        binding: 'b1',
        createdAt: T0,
        expiresAt: T0 + 5 * MIN,
      });
      await current().createSession({
        id: 'old',
        userId: user.id,
        createdAt: T0,
        expiresAt: T0 + 60 * MIN,
        ip: '1.2.3.4',
      });
      return { user, factor };
    };
    const args = (userId: number, factorId: number, step: number, id = 's1') => ({
      factorId,
      step,
      challengeId: 'c1',
      now: T0 + 1,
      session: { id, userId, createdAt: T0 + 1, expiresAt: T0 + 60 * MIN, ip: '1.2.3.4' },
      endSessionId: 'old',
      audit: [
        {
          at: T0 + 1,
          actor: 'a@x.test',
          action: 'login.succeeded',
          target: 'a@x.test',
          ip: '1.2.3.4',
        },
      ],
    });
    const nothingWritten = async (userId: number, failures: number) => {
      expect((await current().getFactor(userId))?.lastStep).toBe(100);
      expect((await current().getChallenge('c1'))?.consumedAt).toBeNull();
      expect(await current().getSession('s1')).toBeNull();
      expect(await current().getSession('old')).not.toBeNull();
      expect((await current().getFailureState(userId, 'mfa')).count).toBe(failures);
      expect((await current().listAudit({ limit: 10 })).events).toHaveLength(0);
    };

    it('advances the step, ends the challenge, restarts the count, swaps the session and audits', async () => {
      const { user, factor } = await setUp();
      await current().reserveAttempt(user.id, 'mfa', T0, { threshold: 10 });
      await current().reserveAttempt(user.id, 'password', T0, { threshold: 10 });
      expect(await current().completeCodeLogin(args(user.id, factor.id, 101))).toBe('ok');
      expect((await current().getFactor(user.id))?.lastStep).toBe(101);
      expect((await current().getChallenge('c1'))?.consumedAt).toBe(T0 + 1);
      expect((await current().getFailureState(user.id, 'mfa')).count).toBe(0);
      expect((await current().getFailureState(user.id, 'password')).count).toBe(1);
      expect(await current().getSession('s1')).toMatchObject({ userId: user.id, ip: '1.2.3.4' });
      expect(await current().getSession('old')).toBeNull();
      const { events } = await current().listAudit({ limit: 10 });
      expect(events).toMatchObject([{ action: 'login.succeeded', target: 'a@x.test' }]);
    });

    it('refuses a step at or before the stored one and writes nothing', async () => {
      const { user, factor } = await setUp();
      await current().reserveAttempt(user.id, 'mfa', T0, { threshold: 10 });
      expect(await current().completeCodeLogin(args(user.id, factor.id, 100))).toBe('replayed');
      expect(await current().completeCodeLogin(args(user.id, factor.id, 99))).toBe('replayed');
      await nothingWritten(user.id, 1);
    });

    it('refuses an ended or expired challenge and leaves the step where it was', async () => {
      const { user, factor } = await setUp();
      const late = { ...args(user.id, factor.id, 101), now: T0 + 5 * MIN };
      expect(await current().completeCodeLogin(late)).toBe('challenge_ended');
      await nothingWritten(user.id, 0);
      expect(await current().consumeChallenge('c1', T0)).toBe(true);
      expect(await current().completeCodeLogin(args(user.id, factor.id, 101))).toBe(
        'challenge_ended',
      );
      expect((await current().getFactor(user.id))?.lastStep).toBe(100);
      expect(await current().getSession('s1')).toBeNull();
    });

    it('gives exactly one success to 20 concurrent calls with one step', async () => {
      const { user, factor } = await setUp();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          current().completeCodeLogin(args(user.id, factor.id, 101, `s${i}`)),
        ),
      );
      expect(results.filter((r) => r === 'ok')).toHaveLength(1);
      expect(results.filter((r) => r === 'replayed')).toHaveLength(19);
      expect((await current().listAudit({ limit: 30 })).events).toHaveLength(1);
    });
  });
}
