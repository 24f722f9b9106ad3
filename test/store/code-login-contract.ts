/**
 * The contract suite's part for `Store.attemptCodeLogin` (called by `runStoreContract`, so every
 * adapter runs it: SQLite's synchronous decision and PostgreSQL's transaction under the user's
 * row lock).
 */
import { describe, expect, it } from 'vitest';
import type {
  ChallengeRecord,
  CodeAttempt,
  FactorRecord,
  FailureKind,
  FailureState,
  Store,
  UserRecord,
} from '../../server/store/contract.ts';

/** The running test's store and its direct reads (see `MakeStore` in contract-suite.ts). */
export interface Current {
  store: Store;
  failures(userId: number, kind: FailureKind): Promise<FailureState>;
  challenge(id: string): Promise<ChallengeRecord | null>;
}

const T0 = 1_700_000_000_000;
const MIN = 60_000;
/** The audit row a successful code login appends. */
const loginEvent = {
  at: T0 + 1,
  actor: 'a@x.test',
  action: 'login.succeeded',
  target: 'a@x.test',
  ip: '1.2.3.4',
};

/**
 * @param current the store of the running test (made fresh by the suite's beforeEach) and its reads
 * @param activeFactor creates a user (a@x.test unless named) with an active factor whose last step is 100
 * @example codeLoginContract(() => ({ store, failures, challenge }), activeFactor);
 */
export function codeLoginContract(
  current: () => Current,
  activeFactor: (username?: string) => Promise<{ user: UserRecord; factor: FactorRecord }>,
): void {
  describe('code attempt (one decision)', () => {
    let user: UserRecord;
    let factor: FactorRecord;
    const addChallenge = (id: string, expiresAt = T0 + 5 * MIN) =>
      current().store.createChallenge({
        id,
        userId: user.id,
        kind: 'mfa',
        binding: 'b1',
        createdAt: T0,
        expiresAt,
      });
    const setUp = async (challengeIds = ['c1']) => {
      ({ user, factor } = await activeFactor());
      for (const id of challengeIds) await addChallenge(id);
    };
    /**
     * An attempt whose code matches `step`: valid after the last accepted one, replayed at or
     * before it; `null` is a wrong code.
     */
    const attempt = (step: number | null, over: Partial<CodeAttempt> = {}): CodeAttempt => {
      const n = over.session?.id ?? `s${Math.random()}`;
      return {
        challengeId: 'c1',
        userId: user.id,
        factorId: factor.id,
        now: T0 + 1,
        maxAttempts: 5,
        threshold: 10,
        lockMs: 15 * MIN,
        code: {
          kind: 'totp',
          check: (last) =>
            step === null
              ? { result: 'wrong' }
              : last === null || step > last
                ? { result: 'valid', step }
                : { result: 'replayed' },
        },
        session: {
          id: n,
          userId: user.id,
          createdAt: T0 + 1,
          expiresAt: T0 + 60 * MIN,
          ip: '1.2.3.4',
        },
        audit: [loginEvent],
        ...over,
      };
    };

    it('on a match advances the step, ends the challenge, restarts the count, starts the session and audits', async () => {
      await setUp(['c0', 'c1']);
      expect(await current().store.attemptCodeLogin(attempt(null, { challengeId: 'c0' }))).toEqual({
        outcome: 'wrong',
        lockedUntil: null,
      });
      expect((await current().failures(user.id, 'mfa')).count).toBe(1);
      await current().store.createSession({
        id: 'old',
        userId: user.id,
        createdAt: T0,
        expiresAt: T0 + MIN,
        ip: 'x',
      });
      const ok = attempt(101, {
        session: { id: 's1', userId: user.id, createdAt: T0 + 1, expiresAt: T0 + MIN, ip: 'y' },
        endSessionId: 'old',
      });
      expect(await current().store.attemptCodeLogin(ok)).toEqual({ outcome: 'ok' });
      expect((await current().store.getFactor(user.id))?.lastStep).toBe(101);
      expect((await current().challenge('c1'))?.consumedAt).toBe(T0 + 1);
      expect((await current().failures(user.id, 'mfa')).count).toBe(0);
      expect(await current().store.getSession('s1')).toMatchObject({ userId: user.id, ip: 'y' });
      expect(await current().store.getSession('old')).toBeNull();
      expect((await current().store.listAudit({ limit: 10 })).events).toMatchObject([
        { action: 'login.succeeded' },
      ]);
      // The challenge ended at its success.
      expect(await current().store.attemptCodeLogin(attempt(102))).toEqual({
        outcome: 'challenge_ended',
      });
    });

    it('counts a wrong code on the challenge and the user, a replayed one on the challenge only, and writes nothing else', async () => {
      await setUp();
      expect(await current().store.attemptCodeLogin(attempt(100))).toEqual({
        outcome: 'replayed',
      });
      expect(await current().store.attemptCodeLogin(attempt(null))).toEqual({
        outcome: 'wrong',
        lockedUntil: null,
      });
      expect((await current().challenge('c1'))?.attempts).toBe(2);
      expect((await current().challenge('c1'))?.consumedAt).toBeNull();
      expect((await current().failures(user.id, 'mfa')).count).toBe(1);
      expect((await current().store.getFactor(user.id))?.lastStep).toBe(100);
      expect((await current().store.listAudit({ limit: 10 })).events).toHaveLength(0);
    });

    it('ends the challenge after maxAttempts wrong codes and refuses an expired one', async () => {
      await setUp();
      for (let i = 0; i < 5; i++)
        expect((await current().store.attemptCodeLogin(attempt(null))).outcome).toBe('wrong');
      expect(await current().store.attemptCodeLogin(attempt(101))).toEqual({
        outcome: 'challenge_ended',
      });
      expect((await current().store.getFactor(user.id))?.lastStep).toBe(100);
      expect((await current().failures(user.id, 'mfa')).count).toBe(5);
      await addChallenge('c2', T0 + MIN);
      expect(
        await current().store.attemptCodeLogin(attempt(101, { challengeId: 'c2', now: T0 + MIN })),
      ).toEqual({
        outcome: 'challenge_ended',
      });
      expect(await current().store.attemptCodeLogin(attempt(101, { challengeId: 'nope' }))).toEqual(
        {
          outcome: 'challenge_ended',
        },
      );
    });

    it('locks at the threshold across challenges and then refuses even a correct code until the lock ends', async () => {
      await setUp(['c1', 'c2', 'c3']);
      const wrong = (challengeId: string) =>
        current().store.attemptCodeLogin(attempt(null, { challengeId, threshold: 3 }));
      expect(await wrong('c1')).toEqual({ outcome: 'wrong', lockedUntil: null });
      expect(await wrong('c2')).toEqual({ outcome: 'wrong', lockedUntil: null });
      expect(await wrong('c3')).toEqual({ outcome: 'wrong', lockedUntil: T0 + 1 + 15 * MIN });
      const during = await current().store.attemptCodeLogin(
        attempt(101, { threshold: 3, now: T0 + 2 }),
      );
      expect(during).toEqual({ outcome: 'locked', retryAfterMs: 15 * MIN - 1 });
      expect((await current().store.getFactor(user.id))?.lastStep).toBe(100);
      expect((await current().failures(user.id, 'mfa')).count).toBe(0);
      await addChallenge('c4', T0 + 30 * MIN);
      const after = await current().store.attemptCodeLogin(
        attempt(101, { challengeId: 'c4', threshold: 3, now: T0 + 1 + 15 * MIN }),
      );
      expect(after).toEqual({ outcome: 'ok' });
    });

    it('locks the code step longer the second time, and a success starts the series again', async () => {
      const ids = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8', 'd9', 'd10'];
      await setUp([]);
      for (const id of ids) await addChallenge(id, T0 + 600 * MIN);
      const wrong = (challengeId: string, now: number) =>
        current().store.attemptCodeLogin(attempt(null, { challengeId, threshold: 3, now }));
      await wrong('d1', T0);
      await wrong('d2', T0);
      expect(await wrong('d3', T0)).toEqual({ outcome: 'wrong', lockedUntil: T0 + 15 * MIN });
      const later = T0 + 20 * MIN;
      await wrong('d4', later);
      await wrong('d5', later);
      expect(await wrong('d6', later)).toEqual({ outcome: 'wrong', lockedUntil: later + 30 * MIN });
      const free = later + 30 * MIN;
      const ok = await current().store.attemptCodeLogin(
        attempt(101, { challengeId: 'd7', now: free }),
      );
      expect(ok).toEqual({ outcome: 'ok' });
      await wrong('d8', free);
      await wrong('d9', free);
      expect(await wrong('d10', free)).toEqual({ outcome: 'wrong', lockedUntil: free + 15 * MIN });
    });

    it('gives exactly one success to 20 concurrent attempts with one code on different challenges', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
      await setUp(ids);
      const results = await Promise.all(
        ids.map((challengeId) => current().store.attemptCodeLogin(attempt(101, { challengeId }))),
      );
      expect(results.filter((r) => r.outcome === 'ok')).toHaveLength(1);
      // The others are wrong (a replay), or refused while the composed store's reservations hold the budget.
      expect(results.filter((r) => r.outcome === 'challenge_ended')).toHaveLength(0);
      expect((await current().store.listAudit({ limit: 30 })).events).toHaveLength(1);
    });

    it('never lets 20 concurrent wrong codes run past the threshold', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
      await setUp(ids);
      const results = await Promise.all(
        ids.map((challengeId) =>
          current().store.attemptCodeLogin(attempt(null, { challengeId, threshold: 10 })),
        ),
      );
      const counted = results.filter((r) => r.outcome === 'wrong');
      expect(counted.length).toBeLessThanOrEqual(10);
      expect(counted.some((r) => r.outcome === 'wrong' && r.lockedUntil !== null)).toBe(true);
      expect((await current().failures(user.id, 'mfa')).lockedUntil).toBe(T0 + 1 + 15 * MIN);
    });

    /** An attempt with a recovery code's hash (the user's are h1 and h2). */
    const recovery = (hash: string | null, over: Partial<CodeAttempt> = {}) =>
      attempt(null, { code: { kind: 'recovery', hash }, ...over });

    it('lets a recovery code in once, using it in the same unit as the session', async () => {
      await setUp(['c1', 'c2', 'c3']);
      const used = {
        ...loginEvent,
        action: 'mfa.recovery_code_used',
      };
      expect(
        await current().store.attemptCodeLogin(recovery('h2', { audit: [used, loginEvent] })),
      ).toEqual({
        outcome: 'ok',
      });
      expect(await current().store.countRecoveryCodesLeft(user.id)).toBe(1);
      expect((await current().challenge('c1'))?.consumedAt).toBe(T0 + 1);
      expect((await current().store.getFactor(user.id))?.lastStep).toBe(100);
      expect(
        (await current().store.listAudit({ limit: 10 })).events.map((e) => e.action).sort(),
      ).toEqual(['login.succeeded', 'mfa.recovery_code_used']);
      // Used: spent, not a guess, counted on the challenge only.
      expect(await current().store.attemptCodeLogin(recovery('h2', { challengeId: 'c2' }))).toEqual(
        { outcome: 'replayed' },
      );
      // Unknown or malformed: a wrong code, counted like one.
      for (const [challengeId, hash] of [
        ['c2', 'nope'],
        ['c3', null],
      ] as const) {
        expect(await current().store.attemptCodeLogin(recovery(hash, { challengeId }))).toEqual({
          outcome: 'wrong',
          lockedUntil: null,
        });
      }
      expect((await current().failures(user.id, 'mfa')).count).toBe(2);
      expect((await current().challenge('c2'))?.attempts).toBe(2);
      expect(await current().store.countRecoveryCodesLeft(user.id)).toBe(1);
    });

    it('keeps a recovery code unused when the challenge has ended or the user is locked', async () => {
      await setUp(['c1', 'c2']);
      await current().store.consumeChallenge('c1', T0);
      expect(await current().store.attemptCodeLogin(recovery('h1'))).toEqual({
        outcome: 'challenge_ended',
      });
      for (let i = 0; i < 3; i++) {
        await addChallenge(`w${i}`);
        await current().store.attemptCodeLogin(
          attempt(null, { challengeId: `w${i}`, threshold: 3 }),
        );
      }
      expect(
        await current().store.attemptCodeLogin(recovery('h1', { challengeId: 'c2', threshold: 3 })),
      ).toEqual({ outcome: 'locked', retryAfterMs: 15 * MIN });
      expect(await current().store.countRecoveryCodesLeft(user.id)).toBe(2);
      expect((await current().store.listAudit({ limit: 10 })).events).toHaveLength(0);
    });

    it('gives exactly one success to 20 concurrent uses of one recovery code', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
      await setUp(ids);
      const results = await Promise.all(
        ids.map((challengeId) =>
          current().store.attemptCodeLogin(recovery('h1', { challengeId, threshold: 100 })),
        ),
      );
      expect(results.filter((r) => r.outcome === 'ok')).toHaveLength(1);
      // The other 19 find it spent: replays, none counted toward the lock.
      expect(results.filter((r) => r.outcome === 'replayed')).toHaveLength(19);
      expect((await current().failures(user.id, 'mfa')).count).toBe(0);
      expect(await current().store.countRecoveryCodesLeft(user.id)).toBe(1);
    });

    it('refuses a correct code sent with wrong ones only when the wrong ones before it locked the factor', async () => {
      // Ten wrong codes and the right one at once, each on its own challenge: decided one after
      // another, the right one either comes before the tenth wrong one and lets the user in, or
      // after it and meets the lock. Never "retry later" because wrong codes still in flight
      // hold the budget (what reserving attempts before checking them did).
      for (let run = 0; run < 3; run++) {
        const ids = Array.from({ length: 11 }, (_, i) => `r${run}c${i}`);
        ({ user, factor } = await activeFactor(`r${run}@x.test`));
        for (const id of ids) await addChallenge(id);
        const results = await Promise.all(
          ids.map((challengeId, i) =>
            current().store.attemptCodeLogin(attempt(i === 10 ? 101 : null, { challengeId })),
          ),
        );
        const right = results[10]!;
        if (right.outcome !== 'ok')
          expect(right).toEqual({ outcome: 'locked', retryAfterMs: 15 * MIN });
        const wrong = results.filter((r) => r.outcome === 'wrong');
        expect(wrong).toHaveLength(10);
      }
    });
  });
}
