/**
 * The contract suite's part for `Store.attemptCodeLogin` (called by `runStoreContract`, so every
 * adapter runs it: SQLite's synchronous decision and PostgreSQL's transaction under the user's
 * factor-row lock), and the fixture both parts share: a clock, the verifier's flows at that clock and
 * users with an active factor confirmed through them.
 */
import { describe, expect, it } from 'vitest';
import { generateCode, type OtpAccount } from '../../sdk/otp/index.ts';
import type { FactorFlows } from '../../sdk/verifier/factor-flows.ts';
import type { LockoutLimits } from '../../sdk/verifier/rules.ts';
import type { VerifyResult } from '../../sdk/verifier/types.ts';
import type {
  ChallengeRecord,
  CodeAttempt,
  CodeAttemptOutcome,
  Decision,
  Store,
  UserRecord,
} from '../../server/store/contract.ts';

export const T0 = 1_700_000_000_000;
export const MIN = 60_000;
/** One TOTP time step. */
export const STEP = 30_000;

/** A user whose factor was confirmed at the clock's step (so the next step's code is valid). */
export interface Enabled {
  user: UserRecord;
  /** The user's id as the verifier's flows take it. */
  id: string;
  account: OtpAccount;
  recoveryCodes: string[];
}

/** The running test's store and fixture (made fresh by the suite's beforeEach). */
export interface Fixture {
  store: Store;
  /** The time every flow and attempt reads; tests move it. */
  clock: { now: number };
  /** The verifier's flows at the clock; 3 wrong codes in a row lock for 15 min unless told. */
  flows(limits?: Partial<LockoutLimits>): FactorFlows;
  /** Creates `username` (a@x.test unless named) with a factor confirmed at the clock's step. */
  activeFactor(username?: string): Promise<Enabled>;
  challenge(id: string): Promise<ChallengeRecord | null>;
}

/** The code of `account` `steps` time steps after `at`. */
export const codeOf = (account: OtpAccount, at: number, steps = 0): string =>
  generateCode(account, at + steps * STEP);

/**
 * Six digits that no step within the verifier's window of `at` gives: a wrong code, never
 * right by chance.
 */
export function wrongCode(account: OtpAccount, at: number): string {
  const near = new Set([-1, 0, 1].map((s) => codeOf(account, at, s)));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!near.has(code)) return code;
  }
}

/** The verifier's decision of a `'decided'` outcome; fails the test on any other. */
export function decided(outcome: CodeAttemptOutcome) {
  if (outcome.outcome !== 'decided') throw new Error(`expected a decision, got ${outcome.outcome}`);
  return outcome.decision;
}

/**
 * @param current the fixture of the running test
 * @example codeLoginContract(() => fixture);
 */
/**
 * Of 20 concurrent wrong codes at a threshold of 10 on a fresh counter: exactly 10 counted, one
 * lock, and the 10 after it met the lock (15 minutes), uncounted.
 */
export function expectCountedToTheLockOnly(decisions: Decision<VerifyResult | null>[]): void {
  expect(decisions.filter((d) => d.events.includes('failed'))).toHaveLength(10);
  expect(decisions.filter((d) => d.events.includes('locked'))).toHaveLength(1);
  expect(decisions.filter((d) => d.events.length === 0)).toEqual(
    Array(10).fill({
      result: { ok: false, reason: 'locked', retryAfter: 15 * MIN },
      writes: [],
      events: [],
    }),
  );
}

export function codeLoginContract(current: () => Fixture): void {
  describe('code attempt (one decision)', () => {
    let enabled: Enabled;
    const store = () => current().store;
    const now = () => current().clock.now;
    const addChallenge = (id: string, expiresAt = now() + 5 * MIN) =>
      store().createChallenge({
        id,
        userId: enabled.user.id,
        kind: 'mfa',
        binding: 'b1',
        createdAt: now(),
        expiresAt,
      });
    const setUp = async (challengeIds = ['c1']) => {
      enabled = await current().activeFactor();
      for (const id of challengeIds) await addChallenge(id);
    };
    /** The audit row a successful code login appends. */
    const loginEvent = () => ({
      at: now(),
      actor: 'a@x.test',
      action: 'login.succeeded',
      target: 'a@x.test',
      ip: '1.2.3.4',
    });
    const session = (id = `s${Math.random()}`) => ({
      id,
      userId: enabled.user.id,
      createdAt: now(),
      expiresAt: now() + 60 * MIN,
      ip: '1.2.3.4',
    });
    /** An attempt with `code` (TOTP or recovery), decided under `limits`. */
    const attempt = (
      code: string,
      over: Partial<CodeAttempt> & { limits?: Partial<LockoutLimits> } = {},
    ): CodeAttempt => {
      const { limits, ...rest } = over;
      return {
        challengeId: 'c1',
        now: now(),
        maxAttempts: 5,
        verify: current().flows(limits).verify(enabled.id, code),
        session: session(),
        audit: [loginEvent()],
        ...rest,
      };
    };
    const right = (steps = 1) => codeOf(enabled.account, now(), steps);
    const wrong = () => wrongCode(enabled.account, now());
    const ended = { outcome: 'challenge_ended' };

    it('on success ends the challenge, starts the session in place of the old one and audits', async () => {
      await setUp(['c0', 'c1', 'c2', 'c3']);
      expect(
        decided(await store().attemptCodeLogin(attempt(wrong(), { challengeId: 'c0' }))),
      ).toMatchObject({ result: { ok: false, reason: 'wrong' }, events: ['failed'] });
      await store().createSession({
        id: 'old',
        userId: enabled.user.id,
        createdAt: now(),
        expiresAt: now() + MIN,
        ip: 'x',
      });
      const ok = attempt(right(), {
        session: {
          id: 's1',
          userId: enabled.user.id,
          createdAt: now(),
          expiresAt: now() + MIN,
          ip: 'y',
        },
        endSessionId: 'old',
      });
      const decision = decided(await store().attemptCodeLogin(ok));
      expect(decision.result).toEqual({ ok: true, usedRecoveryCode: false, recoveryCodesLeft: 3 });
      expect(decision.events).toEqual(['verified']);
      expect((await current().challenge('c1'))?.consumedAt).toBe(now());
      expect(await store().getSession('s1')).toMatchObject({ userId: enabled.user.id, ip: 'y' });
      expect(await store().getSession('old')).toBeNull();
      expect((await store().listAudit({ limit: 10 })).events).toMatchObject([
        { action: 'login.succeeded' },
      ]);
      // The challenge ended at its success.
      expect(await store().attemptCodeLogin(attempt(right(1)))).toEqual(ended);
      // The success restarted the failure count: the wrong code before it and two after do not
      // reach the threshold of three.
      for (const challengeId of ['c2', 'c3']) {
        const after = decided(await store().attemptCodeLogin(attempt(wrong(), { challengeId })));
        expect(after.events).toEqual(['failed']);
      }
    });

    it('commits nothing of a success whose session cannot be written', async () => {
      await setUp(['c1']);
      await store().createSession({
        id: 'taken',
        userId: enabled.user.id,
        createdAt: now(),
        expiresAt: now() + MIN,
        ip: 'x',
      });
      const code = right();
      const clash = attempt(code, { session: session('taken') });
      await expect(store().attemptCodeLogin(clash)).rejects.toThrow();
      expect(await current().challenge('c1')).toMatchObject({ attempts: 0, consumedAt: null });
      expect((await store().listAudit({ limit: 10 })).events).toHaveLength(0);
      // The code's step was not taken either: the same code still lets the user in, once.
      expect(decided(await store().attemptCodeLogin(attempt(code))).result).toMatchObject({
        ok: true,
      });
    });

    it('counts a wrong code and a spent one on the challenge, only the wrong one on the lockout, and writes nothing else', async () => {
      await setUp(['c1', 'c2']);
      // The step confirmed at set-up: spent.
      const replayed = attempt(right(0), { session: session('never-1') });
      expect(decided(await store().attemptCodeLogin(replayed))).toMatchObject({
        result: { ok: false, reason: 'replayed' },
        events: ['replayed'],
      });
      const wrongOne = attempt(wrong(), { session: session('never-2') });
      expect(decided(await store().attemptCodeLogin(wrongOne))).toMatchObject({
        result: { ok: false, reason: 'wrong' },
        events: ['failed'],
      });
      expect(await current().challenge('c1')).toMatchObject({ attempts: 2, consumedAt: null });
      expect(await store().getSession('never-1')).toBeNull();
      expect(await store().getSession('never-2')).toBeNull();
      expect((await store().listAudit({ limit: 10 })).events).toHaveLength(0);
      // One failure counted of three: a second wrong code does not lock; the next step still works.
      const second = decided(
        await store().attemptCodeLogin(attempt(wrong(), { challengeId: 'c2' })),
      );
      expect(second.events).toEqual(['failed']);
      expect(
        decided(await store().attemptCodeLogin(attempt(right(), { challengeId: 'c2' }))).result,
      ).toMatchObject({ ok: true });
    });

    it('ends the challenge after maxAttempts, and refuses an expired or unknown one, checking and counting nothing', async () => {
      await setUp(['c1', 'c2']);
      const limits = { threshold: 6 };
      for (let i = 0; i < 5; i++) {
        const outcome = await store().attemptCodeLogin(attempt(wrong(), { limits }));
        expect(decided(outcome).events).toEqual(['failed']);
      }
      // Five failures of six counted: were these refusals checked and counted, the factor would lock.
      for (const code of [wrong(), wrong(), right()]) {
        expect(await store().attemptCodeLogin(attempt(code, { limits }))).toEqual(ended);
      }
      expect((await current().challenge('c1'))?.attempts).toBe(5);
      await addChallenge('c3', now() + MIN);
      const late = { challengeId: 'c3', now: now() + MIN, limits };
      expect(await store().attemptCodeLogin(attempt(right(), late))).toEqual(ended);
      expect(
        await store().attemptCodeLogin(attempt(right(), { challengeId: 'nope', limits })),
      ).toEqual(ended);
      // The right code refused above was not used: it lets the user in on a live challenge.
      const ok = decided(
        await store().attemptCodeLogin(attempt(right(), { challengeId: 'c2', limits })),
      );
      expect(ok.result).toMatchObject({ ok: true });
    });

    it('locks at the threshold across challenges, then refuses even a right code without counting until the lock ends', async () => {
      await setUp(['c1', 'c2', 'c3', 'c4']);
      for (const challengeId of ['c1', 'c2']) {
        expect(
          decided(await store().attemptCodeLogin(attempt(wrong(), { challengeId }))).events,
        ).toEqual(['failed']);
      }
      expect(
        decided(await store().attemptCodeLogin(attempt(wrong(), { challengeId: 'c3' }))),
      ).toMatchObject({
        result: { ok: false, reason: 'locked', retryAfter: 15 * MIN },
        events: ['failed', 'locked'],
      });
      current().clock.now += MIN;
      const during = decided(
        await store().attemptCodeLogin(attempt(right(), { challengeId: 'c4' })),
      );
      expect(during).toEqual({
        result: { ok: false, reason: 'locked', retryAfter: 14 * MIN },
        writes: [],
        events: [],
      });
      // Not counted on the challenge either: the lock refused before any code was checked.
      expect((await current().challenge('c4'))?.attempts).toBe(0);
      current().clock.now += 14 * MIN;
      await addChallenge('c5');
      const after = decided(
        await store().attemptCodeLogin(attempt(right(), { challengeId: 'c5' })),
      );
      expect(after.result).toMatchObject({ ok: true });
    });

    it('gives exactly one success to 20 concurrent attempts with one code on different challenges', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
      await setUp(ids);
      const code = right();
      const results = await Promise.all(
        ids.map((challengeId) => store().attemptCodeLogin(attempt(code, { challengeId }))),
      );
      const decisions = results.map(decided);
      expect(decisions.filter((d) => d.result?.ok)).toHaveLength(1);
      // The others come after it and find the step spent: replays, none counted as a guess.
      expect(decisions.filter((d) => d.events.includes('replayed'))).toHaveLength(19);
      expect(decisions.some((d) => d.events.includes('failed'))).toBe(false);
      expect((await store().listAudit({ limit: 30 })).events).toHaveLength(1);
    });

    it('never lets 20 concurrent wrong codes run past the threshold', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
      await setUp(ids);
      const limits = { threshold: 10 };
      const results = await Promise.all(
        ids.map((challengeId) =>
          store().attemptCodeLogin(attempt(wrong(), { challengeId, limits })),
        ),
      );
      const decisions = results.map(decided);
      expectCountedToTheLockOnly(decisions);
      expect((await store().getFactor(enabled.user.id))?.lockedUntil).toBe(now() + 15 * MIN);
    });

    it('lets a recovery code in once, using it in the same commit as the session', async () => {
      await setUp(['c1', 'c2', 'c3']);
      const [code, other] = enabled.recoveryCodes;
      const used = { ...loginEvent(), action: 'mfa.recovery_code_used' };
      const ok = decided(
        await store().attemptCodeLogin(attempt(code!, { audit: [used, loginEvent()] })),
      );
      expect(ok.result).toEqual({ ok: true, usedRecoveryCode: true, recoveryCodesLeft: 2 });
      expect(ok.events).toEqual(['recovery_code_used']);
      expect((await store().getFactor(enabled.user.id))?.recoveryCodesLeft).toBe(2);
      expect((await current().challenge('c1'))?.consumedAt).toBe(now());
      expect((await store().listAudit({ limit: 10 })).events.map((e) => e.action).sort()).toEqual([
        'login.succeeded',
        'mfa.recovery_code_used',
      ]);
      // Used: spent, not a guess, counted on the challenge only.
      expect(
        decided(await store().attemptCodeLogin(attempt(code!, { challengeId: 'c2' }))),
      ).toMatchObject({
        result: { ok: false, reason: 'replayed' },
        events: ['replayed'],
      });
      // Another user's code is no code of this one: a wrong code, counted like one.
      const b = await current().activeFactor('b@x.test');
      expect(
        decided(
          await store().attemptCodeLogin(attempt(b.recoveryCodes[0]!, { challengeId: 'c2' })),
        ),
      ).toMatchObject({ result: { ok: false, reason: 'wrong' }, events: ['failed'] });
      expect((await current().challenge('c2'))?.attempts).toBe(2);
      // The other codes still work.
      expect(
        decided(await store().attemptCodeLogin(attempt(other!, { challengeId: 'c3' }))).result,
      ).toEqual({ ok: true, usedRecoveryCode: true, recoveryCodesLeft: 1 });
    });

    it('keeps a recovery code unused when the challenge has ended or the factor is locked', async () => {
      await setUp(['c1', 'c2', 'w0', 'w1', 'w2']);
      const code = enabled.recoveryCodes[0]!;
      await store().consumeChallenge('c1', now());
      expect(await store().attemptCodeLogin(attempt(code))).toEqual(ended);
      for (const challengeId of ['w0', 'w1', 'w2']) {
        await store().attemptCodeLogin(attempt(wrong(), { challengeId }));
      }
      expect(decided(await store().attemptCodeLogin(attempt(code, { challengeId: 'c2' })))).toEqual(
        {
          result: { ok: false, reason: 'locked', retryAfter: 15 * MIN },
          writes: [],
          events: [],
        },
      );
      expect((await store().getFactor(enabled.user.id))?.recoveryCodesLeft).toBe(3);
      expect((await store().listAudit({ limit: 10 })).events).toHaveLength(0);
    });

    it('gives exactly one success to 20 concurrent uses of one recovery code', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
      await setUp(ids);
      const code = enabled.recoveryCodes[0]!;
      const results = await Promise.all(
        ids.map((challengeId) => store().attemptCodeLogin(attempt(code, { challengeId }))),
      );
      const decisions = results.map(decided);
      expect(decisions.filter((d) => d.result?.ok)).toHaveLength(1);
      // The other 19 find it spent: replays, none counted toward the lock (threshold 3).
      expect(decisions.filter((d) => d.events.includes('replayed'))).toHaveLength(19);
      const factor = await store().getFactor(enabled.user.id);
      expect(factor).toMatchObject({ recoveryCodesLeft: 2, lockedUntil: null });
    });

    it('refuses a right code sent with wrong ones only when the wrong ones before it locked the factor', async () => {
      // Ten wrong codes and the right one at once, each on its own challenge: decided one after
      // another, the right one either comes before the tenth wrong one and lets the user in, or
      // after it and meets the lock. Never "retry later" because codes still in flight hold the
      // budget.
      const limits = { threshold: 10 };
      for (let run = 0; run < 3; run++) {
        const ids = Array.from({ length: 11 }, (_, i) => `r${run}c${i}`);
        enabled = await current().activeFactor(`r${run}@x.test`);
        for (const id of ids) await addChallenge(id);
        const results = await Promise.all(
          ids.map((challengeId, i) =>
            store().attemptCodeLogin(
              attempt(i === 10 ? right() : wrong(), { challengeId, limits }),
            ),
          ),
        );
        const decisions = results.map(decided);
        const rightOne = decisions[10]!;
        if (!rightOne.result?.ok) {
          expect(rightOne.result).toEqual({ ok: false, reason: 'locked', retryAfter: 15 * MIN });
        }
        expect(decisions.slice(0, 10).every((d) => d.events.includes('failed'))).toBe(true);
      }
    });
  });
}
