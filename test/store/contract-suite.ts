/**
 * The store contract suite: every adapter (SQLite now, PostgreSQL later) must pass it unchanged.
 *
 * @example
 * runStoreContract('sqlite', async () => {
 *   const store = openSqliteStore({ path: ':memory:' });
 *   await store.migrate();
 *   return { store, close: () => store.close(), failures: (userId, kind) => … };
 * });
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  ChallengeRecord,
  FailureKind,
  FailureState,
  NewUser,
  Store,
} from '../../server/store/contract.ts';
import { codeLoginContract } from './code-login-contract.ts';
import { samlContract } from './saml-contract.ts';

/**
 * A fresh store, plus a read of a user's failure counter straight from its database: no
 * production path reads the counter back, so the contract has no method for it.
 */
export type MakeStore = () => Promise<{
  store: Store;
  close(): Promise<void>;
  failures(userId: number, kind: FailureKind): Promise<FailureState>;
}>;

const T0 = 1_700_000_000_000;
const MIN = 60_000;

const person = (username: string, extra: Partial<NewUser> = {}): NewUser => ({
  username,
  name: username.split('@')[0] ?? username,
  kind: 'employee',
  role: 'user',
  authType: 'password',
  passwordHash: '$argon2id$fake',
  ...extra,
});

export function runStoreContract(name: string, makeStore: MakeStore): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    let failures: (userId: number, kind: FailureKind) => Promise<FailureState>;
    beforeEach(async () => {
      ({ store, close, failures } = await makeStore());
    });
    const challenge = async (id: string): Promise<ChallengeRecord | null> =>
      (await store.getChallengeContext(id))?.challenge ?? null;
    afterEach(async () => {
      await close();
    });

    const activeFactor = async (username = 'a@x.test') => {
      const user = (await store.createUser(person(username), T0))!;
      const pending = (await store.startEnrolment(user.id, 'v1.k.secret', T0, T0 + 10 * MIN))!;
      expect(
        await store.enableFactor({
          userId: user.id,
          factorId: pending.id,
          lastStep: 100,
          recoveryCodeHashes: ['h1', 'h2'],
          now: T0,
        }),
      ).toBe(true);
      return { user, factor: (await store.getFactor(user.id))! };
    };

    /** Sets up and enables a factor for an existing user, with no recovery codes. */
    const enableWithoutCodes = async (userId: number) => {
      const pending = (await store.startEnrolment(userId, 'v1.k.s', T0, T0 + MIN))!;
      await store.enableFactor({
        userId,
        factorId: pending.id,
        lastStep: 1,
        recoveryCodeHashes: [],
        now: T0,
      });
    };

    describe('users', () => {
      it('creates users with lower-cased unique usernames and finds them case-insensitively', async () => {
        const u = await store.createUser(person('Alice@Demo.test'), T0);
        expect(u).toMatchObject({
          username: 'alice@demo.test',
          mustSetupMfa: false,
          createdAt: T0,
        });
        expect(await store.createUser(person('ALICE@demo.test'), T0)).toBeNull();
        expect((await store.getUserByUsername('ALICE@DEMO.TEST'))?.id).toBe(u!.id);
        expect((await store.getUserById(u!.id))?.username).toBe('alice@demo.test');
        expect(await store.getUserById(999_999)).toBeNull();
        expect(await store.countUsers()).toBe(1);
      });

      it('replaces a password hash only for a known user', async () => {
        const u = (await store.createUser(person('a@x.test'), T0))!;
        expect(await store.setPasswordHash(u.id, 'new')).toBe(true);
        expect((await store.getUserById(u.id))?.passwordHash).toBe('new');
        expect(await store.setPasswordHash(424242, 'x')).toBe(false);
      });

      it('lists users by kind, MFA state and substring, in pages', async () => {
        await activeFactor('mfa@x.test');
        await store.createUser(
          person('carol@client.test', { kind: 'contact', name: 'Carol 50%' }),
          T0,
        );
        await store.createUser(person('dave@client.test', { kind: 'contact' }), T0);
        const contacts = await store.listUsers({ kind: 'contact', limit: 10 });
        expect(contacts.users.map((u) => u.username)).toEqual([
          'carol@client.test',
          'dave@client.test',
        ]);
        expect((await store.listUsers({ mfa: 'enabled', limit: 10 })).users).toMatchObject([
          { username: 'mfa@x.test', mfaEnabled: true },
        ]);
        expect((await store.listUsers({ mfa: 'disabled', limit: 10 })).users).toHaveLength(2);
        expect((await store.listUsers({ q: '50%', limit: 10 })).users).toHaveLength(1);
        expect((await store.listUsers({ q: '%', limit: 10 })).users).toHaveLength(1);
        const first = await store.listUsers({ limit: 2 });
        expect(first.users).toHaveLength(2);
        const second = await store.listUsers({ limit: 2, cursor: first.nextCursor! });
        expect(second).toMatchObject({ nextCursor: null });
        expect(second.users.map((u) => u.username)).toEqual(['dave@client.test']);
        // The optional count, capped.
        expect(await store.countUserMatches({ kind: 'contact' }, 10)).toEqual({
          count: 2,
          capped: false,
        });
        expect(await store.countUserMatches({}, 2)).toEqual({ count: 2, capped: true });
        expect(await store.countUserMatches({ mfa: 'enabled' }, 10)).toEqual({
          count: 1,
          capped: false,
        });
        expect(await store.countUserMatches({ q: 'CAROL', kind: 'contact' }, 10)).toEqual({
          count: 1,
          capped: false,
        });
        expect(await store.countUserMatches({ q: '50' }, 10)).toEqual({
          count: null,
          capped: false,
        });
      });
    });

    describe('factors', () => {
      it('keeps one pending factor per user, replaced by each new set-up', async () => {
        const u = (await store.createUser(person('a@x.test'), T0))!;
        const one = await store.startEnrolment(u.id, 'v1.k.one', T0, T0 + MIN);
        const two = await store.startEnrolment(u.id, 'v1.k.two', T0 + 1, T0 + MIN);
        expect(two).toMatchObject({ status: 'pending', secret: 'v1.k.two', lastStep: null });
        expect(two!.id).toBe(one!.id);
        expect((await store.getFactor(u.id))?.secret).toBe('v1.k.two');
      });

      it('refuses a set-up while a factor is active', async () => {
        const { user, factor } = await activeFactor();
        expect(await store.startEnrolment(user.id, 'v1.k.other', T0, T0 + MIN)).toBeNull();
        expect(await store.getFactor(user.id)).toEqual(factor);
      });

      it('enables only an unexpired pending factor, once', async () => {
        const u = (await store.createUser(person('a@x.test'), T0))!;
        const p = (await store.startEnrolment(u.id, 'v1.k.s', T0, T0 + MIN))!;
        const args = { userId: u.id, factorId: p.id, lastStep: 5, recoveryCodeHashes: ['h'] };
        expect(await store.enableFactor({ ...args, now: T0 + MIN })).toBe(false);
        const results = await Promise.all(
          Array.from({ length: 10 }, () => store.enableFactor({ ...args, now: T0 })),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.getFactor(u.id)).toMatchObject({
          status: 'active',
          lastStep: 5,
          enabledAt: T0,
        });
        expect(await store.countRecoveryCodesLeft(u.id)).toBe(1);
      });

      it('clears "must set up" on enable and sets it on a reset removal', async () => {
        const { user } = await activeFactor();
        expect(await store.removeFactor(user.id, { mustSetupMfa: true })).toBe(true);
        expect(await store.getFactor(user.id)).toBeNull();
        expect(await store.countRecoveryCodesLeft(user.id)).toBe(0);
        expect((await store.getUserById(user.id))?.mustSetupMfa).toBe(true);
        expect(await store.removeFactor(user.id, { mustSetupMfa: false })).toBe(false);
        await enableWithoutCodes(user.id);
        expect((await store.getUserById(user.id))?.mustSetupMfa).toBe(false);
      });
    });

    describe('replay guard', () => {
      it('advances the last step only forwards', async () => {
        const { factor } = await activeFactor();
        expect(await store.advanceLastStep(factor.id, 100)).toBe(false);
        expect(await store.advanceLastStep(factor.id, 99)).toBe(false);
        expect(await store.advanceLastStep(factor.id, 101)).toBe(true);
        expect(await store.advanceLastStep(factor.id, 101)).toBe(false);
        expect((await store.getFactor(factor.userId))?.lastStep).toBe(101);
      });

      it('gives exactly one success to 20 concurrent advances with the same step', async () => {
        const { factor } = await activeFactor();
        const results = await Promise.all(
          Array.from({ length: 20 }, () => store.advanceLastStep(factor.id, 200)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('does not advance a pending factor', async () => {
        const u = (await store.createUser(person('a@x.test'), T0))!;
        const p = (await store.startEnrolment(u.id, 'v1.k.s', T0, T0 + MIN))!;
        expect(await store.advanceLastStep(p.id, 5)).toBe(false);
      });
    });

    describe('recovery codes', () => {
      it('consumes each code once, even under 20 concurrent calls', async () => {
        const { user } = await activeFactor();
        const results = await Promise.all(
          Array.from({ length: 20 }, () => store.consumeRecoveryCode(user.id, 'h1', T0)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.countRecoveryCodesLeft(user.id)).toBe(1);
        expect(await store.consumeRecoveryCode(user.id, 'nope', T0)).toBe(false);
      });

      it('replaces all codes on regeneration', async () => {
        const { user } = await activeFactor();
        await store.replaceRecoveryCodes(user.id, ['n1', 'n2', 'n3']);
        expect(await store.consumeRecoveryCode(user.id, 'h2', T0)).toBe(false);
        expect(await store.consumeRecoveryCode(user.id, 'n3', T0)).toBe(true);
        expect(await store.countRecoveryCodesLeft(user.id)).toBe(2);
      });

      it("does not accept another user's code", async () => {
        await activeFactor('a@x.test');
        const b = (await store.createUser(person('b@x.test'), T0))!;
        expect(await store.consumeRecoveryCode(b.id, 'h1', T0)).toBe(false);
      });
    });

    describe('password counters by name', () => {
      const DAY = 24 * 60 * MIN;
      const reserve = (key: string, at: number, threshold = 3) =>
        store.reserveLoginAttempt(key, at, { threshold, forgetAt: at + DAY });
      const fail = (key: string, at: number, escalation: 0 | 1 = 0) =>
        store.recordLoginFailure(key, at, { threshold: 3, lockMs: 15 * MIN, escalation });
      /** Locks `key` once at `at` (3 reserved failures) and tells the lock's length in minutes. */
      const lockOnce = async (key: string, at: number, escalation: 0 | 1) => {
        for (let i = 0; i < 3; i++) expect(await reserve(key, at)).toEqual({ allowed: true });
        const results = [];
        for (let i = 0; i < 3; i++) results.push(await fail(key, at, escalation));
        // One lock, reported to the failure that set it only.
        expect(results.filter((r) => r.lockedUntil !== null)).toHaveLength(1);
        const refused = await reserve(key, at);
        if (refused.allowed || !refused.locked) throw new Error(`${key} is not locked`);
        return refused.retryAfterMs / MIN;
      };

      it('counts a name that is no user, locks it at the threshold and lets it go after the lock', async () => {
        expect(await lockOnce('k-unknown', T0, 0)).toBe(15);
        expect(await reserve('k-other', T0)).toEqual({ allowed: true });
        expect(await reserve('k-unknown', T0 + 15 * MIN)).toEqual({ allowed: true });
      });

      it('makes each further lock longer with escalation 1, keeps them alike with 0', async () => {
        const growing: number[] = [];
        const alike: number[] = [];
        for (let n = 0, at = T0; n < 4; n++, at += 200 * MIN) {
          growing.push(await lockOnce('k-grow', at, 1));
          alike.push(await lockOnce('k-alike', at, 0));
        }
        expect(growing).toEqual([15, 30, 75, 150]);
        expect(alike).toEqual([15, 15, 15, 15]);
      });

      it('allows exactly `threshold` of 20 concurrent reservations, the rest told to wait a second', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, () => reserve('k-busy', T0, 10)),
        );
        expect(results.filter((r) => r.allowed)).toHaveLength(10);
        expect(results.find((r) => !r.allowed)).toEqual({
          allowed: false,
          locked: false,
          retryAfterMs: 1000,
        });
      });

      it('gives a reservation back, and forgets the counter on success unless it is locked', async () => {
        await reserve('k-release', T0);
        await reserve('k-release', T0);
        await store.releaseLoginAttempt('k-release');
        expect((await reserve('k-release', T0)).allowed).toBe(true);
        expect((await reserve('k-release', T0)).allowed).toBe(true);
        expect((await reserve('k-release', T0)).allowed).toBe(false);
        await store.clearLoginFailures('k-release', T0);
        for (let i = 0; i < 3; i++) expect((await reserve('k-release', T0)).allowed).toBe(true);

        expect(await lockOnce('k-locked', T0, 1)).toBe(15);
        await store.clearLoginFailures('k-locked', T0 + MIN);
        expect(await reserve('k-locked', T0 + MIN)).toMatchObject({ allowed: false, locked: true });
      });

      it('is pruned a day after its last attempt, never while locked', async () => {
        await reserve('k-quiet', T0);
        await reserve('k-quiet', T0 + MIN);
        for (let i = 0; i < 3; i++) await reserve('k-long', T0);
        for (let i = 0; i < 3; i++) {
          await store.recordLoginFailure('k-long', T0, {
            threshold: 3,
            lockMs: 3 * DAY,
            escalation: 0,
          });
        }
        await store.pruneExpired(T0 + DAY, 30 * MIN); // k-quiet touched a minute later: kept
        await reserve('k-quiet', T0 + DAY);
        expect((await reserve('k-quiet', T0 + DAY)).allowed).toBe(false);
        await store.pruneExpired(T0 + 2 * DAY, 30 * MIN);
        for (let i = 0; i < 3; i++) {
          expect((await reserve('k-quiet', T0 + 2 * DAY)).allowed).toBe(true);
        }
        // Past its forget time but still locked: kept, and still refusing.
        expect(await reserve('k-long', T0 + 2 * DAY - MIN)).toMatchObject({ locked: true });
      });
    });

    describe('failure counters', () => {
      const opts = { threshold: 3, lockMs: 15 * MIN };
      it('reserves attempts up to the threshold, then locks after a failure and restarts the count', async () => {
        const { user } = await activeFactor();
        for (let i = 1; i <= 3; i++) {
          expect(await store.reserveAttempt(user.id, 'mfa', T0, opts)).toEqual({ allowed: true });
          if (i < 3) {
            expect(await store.recordFailure(user.id, 'mfa', T0, opts)).toEqual({
              lockedUntil: null,
            });
            expect(await failures(user.id, 'mfa')).toEqual({ count: i, lockedUntil: null });
          }
        }
        const locked = await store.recordFailure(user.id, 'mfa', T0, opts);
        expect(locked).toEqual({ lockedUntil: T0 + 15 * MIN });
        expect(await failures(user.id, 'mfa')).toEqual({ count: 0, lockedUntil: T0 + 15 * MIN });
        expect(await store.reserveAttempt(user.id, 'mfa', T0 + MIN, opts)).toEqual({
          allowed: false,
          locked: true,
          retryAfterMs: 14 * MIN,
        });
        expect(await store.reserveAttempt(user.id, 'mfa', T0 + 15 * MIN, opts)).toEqual({
          allowed: true,
        });
      });

      it('restarts the count on success without lifting a lock', async () => {
        const { user } = await activeFactor();
        await store.reserveAttempt(user.id, 'mfa', T0, opts);
        await store.reserveAttempt(user.id, 'mfa', T0, opts);
        await store.clearFailures(user.id, 'mfa');
        expect(await failures(user.id, 'mfa')).toEqual({ count: 0, lockedUntil: null });
        for (let i = 0; i < 3; i++) await store.reserveAttempt(user.id, 'mfa', T0, opts);
        await store.recordFailure(user.id, 'mfa', T0, opts);
        await store.clearFailures(user.id, 'mfa');
        expect((await failures(user.id, 'mfa')).lockedUntil).toBe(T0 + 15 * MIN);
      });

      it('allows exactly `threshold` of 20 concurrent reservations', async () => {
        const { user } = await activeFactor();
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            store.reserveAttempt(user.id, 'mfa', T0, { threshold: 10 }),
          ),
        );
        expect(results.filter((r) => r.allowed)).toHaveLength(10);
        // Held by attempts in flight, not by a lock: a second's wait, and not "locked".
        expect(results.find((r) => !r.allowed)).toEqual({
          allowed: false,
          locked: false,
          retryAfterMs: 1000,
        });
      });

      it('reports a lock once: to the failure that set it, not to those that followed', async () => {
        const { user } = await activeFactor();
        const results = [];
        for (let i = 0; i < 3; i++) await store.reserveAttempt(user.id, 'mfa', T0, opts);
        for (let i = 0; i < 3; i++)
          results.push(await store.recordFailure(user.id, 'mfa', T0, opts));
        expect(results).toEqual([
          { lockedUntil: T0 + 15 * MIN },
          { lockedUntil: null },
          { lockedUntil: null },
        ]);
      });

      it('gives a reserved attempt back, never below zero', async () => {
        const { user } = await activeFactor();
        await store.reserveAttempt(user.id, 'mfa', T0, opts);
        await store.reserveAttempt(user.id, 'mfa', T0, opts);
        await store.releaseAttempt(user.id, 'mfa');
        expect(await failures(user.id, 'mfa')).toEqual({ count: 1, lockedUntil: null });
        await store.releaseAttempt(user.id, 'mfa');
        await store.releaseAttempt(user.id, 'mfa');
        expect(await failures(user.id, 'mfa')).toEqual({ count: 0, lockedUntil: null });
      });

      it('makes each further second-factor lock longer (1 + n²), until a success', async () => {
        const { user } = await activeFactor();
        /** Locks the factor once at `at` and tells for how long. */
        const lockOnce = async (at: number) => {
          for (let i = 0; i < 3; i++) await store.reserveAttempt(user.id, 'mfa', at, opts);
          for (let i = 0; i < 3; i++) await store.recordFailure(user.id, 'mfa', at, opts);
          return ((await failures(user.id, 'mfa')).lockedUntil ?? at) - at;
        };
        const mfa: number[] = [];
        for (let n = 0, at = T0; n < 4; n++, at += 200 * MIN) mfa.push((await lockOnce(at)) / MIN);
        expect(mfa).toEqual([15, 30, 75, 150]);
        // A success starts the series again.
        await store.clearFailures(user.id, 'mfa');
        expect(await lockOnce(T0 + 1000 * MIN)).toBe(15 * MIN);
      });

      it('lifts the second-factor lock and its history when the factor is removed (admin reset)', async () => {
        const { user } = await activeFactor();
        for (let i = 0; i < 3; i++) await store.reserveAttempt(user.id, 'mfa', T0, opts);
        for (let i = 0; i < 3; i++) await store.recordFailure(user.id, 'mfa', T0, opts);
        expect((await failures(user.id, 'mfa')).lockedUntil).toBe(T0 + 15 * MIN);
        await store.removeFactor(user.id, { mustSetupMfa: true });
        expect(await failures(user.id, 'mfa')).toEqual({ count: 0, lockedUntil: null });
        expect(await store.reserveAttempt(user.id, 'mfa', T0 + MIN, opts)).toEqual({
          allowed: true,
        });
      });

      it('does not lock before the threshold is reached', async () => {
        const { user } = await activeFactor();
        await store.reserveAttempt(user.id, 'mfa', T0, opts);
        expect(await store.recordFailure(user.id, 'mfa', T0, opts)).toEqual({ lockedUntil: null });
        expect(await failures(user.id, 'mfa')).toEqual({ count: 1, lockedUntil: null });
      });
    });

    describe('rate limits', () => {
      it('allows `limit` hits per window and key, then says when to retry', async () => {
        const opts = { limit: 3, windowMs: MIN };
        const hits = await Promise.all(
          Array.from({ length: 5 }, () => store.hitRateLimit('login|1.2.3.4', T0 + 10_000, opts)),
        );
        expect(hits.filter((h) => h.allowed)).toHaveLength(3);
        for (const refused of hits.filter((h) => !h.allowed)) {
          expect(refused.retryAfterMs).toBeGreaterThan(0);
          expect(refused.retryAfterMs).toBeLessThanOrEqual(2 * MIN);
        }
        expect((await store.hitRateLimit('login|5.6.7.8', T0 + 10_000, opts)).allowed).toBe(true);
        const start = Math.floor((T0 + 10_000) / MIN) * MIN;
        expect((await store.hitRateLimit('login|1.2.3.4', start + 2 * MIN, opts)).allowed).toBe(
          true,
        );
      });

      it('slides: a burst at the end of one window still counts just after the boundary', async () => {
        const opts = { limit: 3, windowMs: MIN };
        const start = Math.ceil(T0 / MIN) * MIN;
        for (let i = 0; i < 3; i++) {
          expect((await store.hitRateLimit('k|1', start - 1000, opts)).allowed).toBe(true);
        }
        // Fixed windows would start again at 0 here and let three more through.
        expect((await store.hitRateLimit('k|1', start + 1000, opts)).allowed).toBe(false);
        // Once the burst has slid out of the last minute, hits pass again.
        expect((await store.hitRateLimit('k|1', start + MIN, opts)).allowed).toBe(true);
      });
    });

    describe('challenges', () => {
      const make = async () => {
        const u = (await store.createUser(person('a@x.test'), T0))!;
        await store.createChallenge({
          id: 'c1',
          userId: u.id,
          kind: 'mfa',
          binding: 'b1',
          createdAt: T0,
          expiresAt: T0 + 5 * MIN,
        });
        return u;
      };

      it('stores and returns a challenge', async () => {
        const u = await make();
        expect(await challenge('c1')).toEqual({
          id: 'c1',
          userId: u.id,
          kind: 'mfa',
          binding: 'b1',
          createdAt: T0,
          expiresAt: T0 + 5 * MIN,
          attempts: 0,
          consumedAt: null,
        });
        expect(await challenge('nope')).toBeNull();
      });

      it('reads a challenge with its user, factor and recovery-code count in one call', async () => {
        const u = await make();
        expect(await store.getChallengeContext('c1')).toEqual({
          challenge: await challenge('c1'),
          user: await store.getUserById(u.id),
          factor: null,
          recoveryCodesLeft: 0,
        });
        const pending = (await store.startEnrolment(u.id, 'v1.k.s', T0, T0 + MIN))!;
        expect((await store.getChallengeContext('c1'))?.factor).toEqual(pending);
        await store.enableFactor({
          userId: u.id,
          factorId: pending.id,
          lastStep: 7,
          recoveryCodeHashes: ['h1', 'h2', 'h3'],
          now: T0 + 1,
        });
        await store.consumeRecoveryCode(u.id, 'h2', T0 + 2);
        await store.reserveChallengeAttempt('c1', T0 + 3, 5);
        const context = await store.getChallengeContext('c1');
        expect(context).toEqual({
          challenge: await challenge('c1'),
          user: await store.getUserById(u.id),
          factor: await store.getFactor(u.id),
          recoveryCodesLeft: 2,
        });
        expect(context?.challenge.attempts).toBe(1);
        expect(context?.factor).toMatchObject({ status: 'active', lastStep: 7, enabledAt: T0 + 1 });
        expect(await store.getChallengeContext('nope')).toBeNull();
      });

      it('is consumed once under 20 concurrent calls', async () => {
        await make();
        const results = await Promise.all(
          Array.from({ length: 20 }, () => store.consumeChallenge('c1', T0 + 1)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await challenge('c1'))?.consumedAt).toBe(T0 + 1);
      });

      it('grants exactly `maxAttempts` of 20 concurrent attempts', async () => {
        await make();
        const results = await Promise.all(
          Array.from({ length: 20 }, () => store.reserveChallengeAttempt('c1', T0, 5)),
        );
        expect(results.filter(Boolean)).toHaveLength(5);
        expect((await challenge('c1'))?.attempts).toBe(5);
      });

      it('grants no attempt and no success after expiry or consumption', async () => {
        await make();
        expect(await store.reserveChallengeAttempt('c1', T0 + 5 * MIN, 5)).toBe(false);
        expect(await store.consumeChallenge('c1', T0 + 5 * MIN)).toBe(false);
        expect(await store.consumeChallenge('c1', T0)).toBe(true);
        expect(await store.reserveChallengeAttempt('c1', T0, 5)).toBe(false);
        expect(await store.reserveChallengeAttempt('unknown', T0, 5)).toBe(false);
      });
    });

    codeLoginContract(() => ({ store, failures, challenge }), activeFactor);
    samlContract(() => store);

    describe('sessions', () => {
      const session = (id: string, userId: number) => ({
        id,
        userId,
        createdAt: T0,
        expiresAt: T0 + 12 * 60 * MIN,
        ip: '127.0.0.1',
      });

      it('creates, touches and deletes sessions', async () => {
        const u = (await store.createUser(person('a@x.test'), T0))!;
        await store.createSession(session('s1', u.id));
        expect(await store.getSession('s1')).toMatchObject({
          userId: u.id,
          lastSeenAt: T0,
          ip: '127.0.0.1',
        });
        await store.touchSession('s1', T0 + MIN);
        expect((await store.getSession('s1'))?.lastSeenAt).toBe(T0 + MIN);
        await store.deleteSession('s1');
        expect(await store.getSession('s1')).toBeNull();
      });

      it("ends all of a user's sessions but the one kept", async () => {
        const a = (await store.createUser(person('a@x.test'), T0))!;
        const b = (await store.createUser(person('b@x.test'), T0))!;
        for (const id of ['a1', 'a2', 'a3']) await store.createSession(session(id, a.id));
        await store.createSession(session('b1', b.id));
        expect(await store.endUserSessions(a.id, 'a2')).toBe(2);
        expect(await store.getSession('a2')).not.toBeNull();
        expect(await store.getSession('b1')).not.toBeNull();
        expect(await store.endUserSessions(a.id)).toBe(1);
      });

      it('turning the policy on ends sessions of password users without MFA, but the kept one', async () => {
        const { user: withMfa } = await activeFactor('mfa@x.test');
        const noMfa = (await store.createUser(person('no@x.test'), T0))!;
        const admin = (await store.createUser(person('admin@x.test', { role: 'admin' }), T0))!;
        const sso = (await store.createUser(
          person('sso@x.test', { authType: 'saml', passwordHash: null }),
          T0,
        ))!;
        for (const [id, u] of [
          ['m', withMfa],
          ['n', noMfa],
          ['a', admin],
          ['a2', admin],
          ['s', sso],
        ] as const) {
          await store.createSession(session(id, u.id));
        }
        expect(await store.getPolicy()).toEqual({ requireMfaForNonSsoUsers: false });
        expect(
          await store.setPolicy({ requireMfaForNonSsoUsers: true }, { exceptSessionId: 'a' }),
        ).toEqual({ endedSessions: 2 });
        expect(await store.getPolicy()).toEqual({ requireMfaForNonSsoUsers: true });
        const left = await Promise.all(
          ['m', 'n', 'a', 'a2', 's'].map((id) => store.getSession(id)),
        );
        expect(left.map((s) => s !== null)).toEqual([true, false, true, false, true]);
        expect(await store.setPolicy({ requireMfaForNonSsoUsers: false }, {})).toEqual({
          endedSessions: 0,
        });
      });
    });

    describe('batch disable', () => {
      it('disables each distinct id once and reports the rest with reasons', async () => {
        const { user: a } = await activeFactor('a@x.test');
        const { user: b } = await activeFactor('b@x.test');
        const sso = (await store.createUser(
          person('s@x.test', { authType: 'saml', passwordHash: null }),
          T0,
        ))!;
        await enableWithoutCodes(sso.id);
        const none = (await store.createUser(person('n@x.test'), T0))!;
        await store.createSession({
          id: 'sa',
          userId: a.id,
          createdAt: T0,
          expiresAt: T0 + MIN,
          ip: 'x',
        });
        const result = await store.disableFactorsForUsers(
          [a.id, 999, b.id, a.id, none.id, sso.id],
          {
            markPasswordUsersForSetup: true,
          },
        );
        expect(result).toEqual({
          disabled: [a.id, b.id, sso.id],
          skipped: [
            { id: 999, reason: 'USER_NOT_FOUND' },
            { id: none.id, reason: 'MFA_NOT_ENABLED' },
          ],
        });
        expect(await store.getSession('sa')).toBeNull();
        expect((await store.getUserById(a.id))?.mustSetupMfa).toBe(true);
        expect((await store.getUserById(sso.id))?.mustSetupMfa).toBe(false);
        expect(await store.getFactor(b.id)).toBeNull();
      });
    });

    describe('audit log', () => {
      it('lists events newest first in pages', async () => {
        await store.appendAudit(
          [1, 2, 3].map((i) => ({
            at: T0 + i,
            actor: 'admin',
            action: `a${i}`,
            target: null,
            ip: '::1',
          })),
        );
        const first = await store.listAudit({ limit: 2 });
        expect(first.events.map((e) => e.action)).toEqual(['a3', 'a2']);
        const second = await store.listAudit({ limit: 2, cursor: first.nextCursor! });
        expect(second.events).toMatchObject([
          { action: 'a1', at: T0 + 1, actor: 'admin', target: null, ip: '::1' },
        ]);
        expect(second.nextCursor).toBeNull();
      });
    });

    describe('housekeeping', () => {
      it('prunes expired challenges, pending factors, sessions and rate windows', async () => {
        const u = (await store.createUser(person('a@x.test'), T0))!;
        await store.createChallenge({
          id: 'c',
          userId: u.id,
          kind: 'mfa',
          binding: 'b',
          createdAt: T0,
          expiresAt: T0 + MIN,
        });
        await store.startEnrolment(u.id, 'v1.k.s', T0, T0 + MIN);
        await store.createSession({
          id: 's',
          userId: u.id,
          createdAt: T0,
          expiresAt: T0 + 60 * MIN,
          ip: 'x',
        });
        await store.pruneExpired(T0 + 2 * MIN, 30 * MIN);
        expect(await challenge('c')).toBeNull();
        expect(await store.getFactor(u.id)).toBeNull();
        expect(await store.getSession('s')).not.toBeNull();
        await store.pruneExpired(T0 + 31 * MIN, 30 * MIN);
        expect(await store.getSession('s')).toBeNull();
      });
    });
  });
}
