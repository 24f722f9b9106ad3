/**
 * The store contract suite: every adapter (SQLite and PostgreSQL) must pass it unchanged. The
 * second factor is changed only by the verifier's flows (sdk/verifier/factor-flows.ts), run by
 * the store with the server's own writes; the cases drive them as the server does, with real
 * secrets and codes at a clock they move.
 *
 * @example
 * runStoreContract('sqlite', async () => {
 *   const store = openSqliteStore({ path: ':memory:' });
 *   await store.migrate();
 *   return { store, close: () => store.close() };
 * });
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateSecret, parseKeyUri } from '../../sdk/otp/index.ts';
import { type FactorFlows, factorFlows } from '../../sdk/verifier/factor-flows.ts';
import type { LockoutLimits } from '../../sdk/verifier/rules.ts';
import { keyringOf } from '../../sdk/verifier/secret-box.ts';
import type {
  ChallengeRecord,
  NewUser,
  Store,
  UserRecord,
  Write,
} from '../../server/store/contract.ts';
import {
  CLEAR_MUST_SETUP_MFA,
  endSessionsWrites,
  SET_MUST_SETUP_MFA,
} from '../../server/store/statements.ts';
import {
  codeLoginContract,
  codeOf,
  type Enabled,
  expectCountedToTheLockOnly,
  type Fixture,
  MIN,
  STEP,
  T0,
  wrongCode,
} from './code-login-contract.ts';
import { samlContract } from './saml-contract.ts';

/** A fresh store on empty tables. */
export type MakeStore = () => Promise<{ store: Store; close(): Promise<void> }>;

const person = (username: string, extra: Partial<NewUser> = {}): NewUser => ({
  username,
  name: username.split('@')[0] ?? username,
  kind: 'employee',
  role: 'user',
  authType: 'password',
  passwordHash: '$argon2id$fake',
  ...extra,
});

const keyring = keyringOf([randomBytes(32)]);
const names = (user: UserRecord) => ({ issuer: 'MFA Companion', account: user.username });

export function runStoreContract(name: string, makeStore: MakeStore): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    const clock = { now: T0 };
    beforeEach(async () => {
      clock.now = T0;
      ({ store, close } = await makeStore());
    });
    afterEach(async () => {
      await close();
    });
    const challenge = async (id: string): Promise<ChallengeRecord | null> =>
      (await store.getChallengeContext(id))?.challenge ?? null;

    /**
     * The verifier's flows as the server builds them (secrets sealed for `factor:<id>`), at the
     * suite's clock, under the lockout `limits` a case asks for.
     */
    const flows = (limits: Partial<LockoutLimits> = {}): FactorFlows =>
      factorFlows({
        keyring,
        limits: { threshold: 3, lockMs: 15 * MIN, ...limits },
        enrolmentTtlMs: 10 * MIN,
        recoveryCodeCount: 3,
        now: () => clock.now,
        secretContext: (id) => `factor:${id}`,
      });

    /** Starts a set-up for `user`: its secret's account and when it expires. */
    const enrol = async (user: UserRecord) => {
      const { uri, flow } = flows().enrol(String(user.id), names(user));
      const { result } = await store.runFactorFlow(flow);
      return { account: parseKeyUri(uri), expiresAt: result };
    };
    /** Sets up and confirms a factor for `user` at the clock's step. */
    const enable = async (user: UserRecord): Promise<Enabled> => {
      const id = String(user.id);
      const { account } = await enrol(user);
      const { result } = await store.runFactorFlow(flows().confirm(id, codeOf(account, clock.now)));
      if (!('recoveryCodes' in result))
        throw new Error(`confirm refused: ${JSON.stringify(result)}`);
      return { user, id, account, recoveryCodes: result.recoveryCodes };
    };
    const activeFactor = async (username = 'a@x.test') =>
      enable((await store.createUser(person(username), clock.now))!);
    const verify = (id: string, code: string, limits?: Partial<LockoutLimits>) =>
      store.runFactorFlow(flows(limits).verify(id, code));
    const fixture = (): Fixture => ({ store, clock, flows, activeFactor, challenge });

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

    describe('policy impact', () => {
      it('counts password users without an active factor, up to the cap', async () => {
        await activeFactor('mfa@x.test');
        for (const name of ['p1', 'p2', 'p3']) await store.createUser(person(`${name}@x.test`), T0);
        await store.createUser(person('sso@x.test', { authType: 'saml', passwordHash: null }), T0);
        await enrol((await store.createUser(person('pending@x.test'), T0))!);
        expect(await store.countPasswordUsersWithoutMfa(100)).toBe(4);
        expect(await store.countPasswordUsersWithoutMfa(2)).toBe(2);
      });
    });

    describe('factor set-up', () => {
      it('keeps one pending set-up per user, its secret replaced by each new one', async () => {
        const u = (await store.createUser(person('a@x.test'), T0))!;
        const one = await enrol(u);
        expect(one.expiresAt).toBe(T0 + 10 * MIN);
        clock.now += MIN;
        const two = await enrol(u);
        expect(two.expiresAt).toBe(T0 + 11 * MIN);
        expect(await store.getFactor(u.id)).toEqual({
          status: 'pending',
          expiresAt: T0 + 11 * MIN,
          enabledAt: null,
          lockedUntil: null,
          recoveryCodesLeft: 0,
        });
        // Only the latest secret confirms.
        const confirm = (account: typeof one.account) =>
          store.runFactorFlow(flows().confirm(String(u.id), codeOf(account, clock.now)));
        expect((await confirm(one.account)).result).toEqual({ refused: 'WRONG' });
        expect((await confirm(two.account)).result).toEqual({
          recoveryCodes: expect.any(Array),
        });
      });

      it('does not replace an active factor with a new set-up', async () => {
        const { user, id, account } = await activeFactor();
        const before = await store.getFactor(user.id);
        const again = flows().enrol(id, names(user));
        expect(await store.runFactorFlow(again.flow)).toEqual({
          result: null,
          writes: [],
          events: [],
        });
        expect(await store.getFactor(user.id)).toEqual(before);
        expect((await verify(id, codeOf(account, clock.now, 1))).result).toMatchObject({
          ok: true,
        });
      });

      it('confirms only an unexpired set-up, and only one of 10 concurrent confirms', async () => {
        const u = (await store.createUser(person('a@x.test'), T0))!;
        const id = String(u.id);
        const late = await enrol(u);
        clock.now = late.expiresAt!;
        expect(
          (await store.runFactorFlow(flows().confirm(id, codeOf(late.account, clock.now)))).result,
        ).toEqual({ refused: 'NOT_STARTED' });
        const { account } = await enrol(u);
        const code = codeOf(account, clock.now);
        const results = await Promise.all(
          Array.from({ length: 10 }, () => store.runFactorFlow(flows().confirm(id, code))),
        );
        const issued = results.filter((d) => 'recoveryCodes' in d.result);
        expect(issued).toHaveLength(1);
        expect(issued[0]!.result).toEqual({ recoveryCodes: expect.any(Array) });
        expect(results.filter((d) => !('recoveryCodes' in d.result))).toEqual(
          Array(9).fill({ result: { refused: 'MFA_ALREADY_ENABLED' }, writes: [], events: [] }),
        );
        expect(await store.getFactor(u.id)).toEqual({
          status: 'active',
          expiresAt: null,
          enabledAt: clock.now,
          lockedUntil: null,
          recoveryCodesLeft: 3,
        });
      });

      it("runs the server's writes `then` gives for the flow's result: a reset marks the user, a confirm clears the mark", async () => {
        const { user, id } = await activeFactor();
        for (const s of ['keep', 'other']) {
          await store.createSession({
            id: s,
            userId: user.id,
            createdAt: T0,
            expiresAt: T0 + 60 * MIN,
            ip: 'x',
          });
        }
        const seen: boolean[] = [];
        const reset = await store.runFactorFlow(flows().disable(id), (removed): Write[] => {
          seen.push(removed);
          return removed
            ? [
                { text: SET_MUST_SETUP_MFA, values: [user.id] },
                ...endSessionsWrites(user.id, 'keep', 'mfa_changed'),
              ]
            : [];
        });
        expect(reset.result).toBe(true);
        expect(seen).toEqual([true]);
        expect(await store.getFactor(user.id)).toBeNull();
        expect((await store.getUserById(user.id))?.mustSetupMfa).toBe(true);
        expect(await store.getSession('other')).toBeNull();
        expect(await store.endedSessionReason('other', T0)).toBe('mfa_changed');
        expect(await store.getSession('keep')).not.toBeNull();

        const { account } = await enrol(user);
        const clearOnSuccess = (d: { recoveryCodes: string[] } | object): Write[] =>
          'recoveryCodes' in d ? [{ text: CLEAR_MUST_SETUP_MFA, values: [user.id] }] : [];
        await store.runFactorFlow(
          flows().confirm(id, wrongCode(account, clock.now)),
          clearOnSuccess,
        );
        expect((await store.getUserById(user.id))?.mustSetupMfa).toBe(true);
        await store.runFactorFlow(flows().confirm(id, codeOf(account, clock.now)), clearOnSuccess);
        expect((await store.getUserById(user.id))?.mustSetupMfa).toBe(false);
      });

      it("commits the server's writes with the flow's, or neither", async () => {
        const { user, id, account, recoveryCodes } = await activeFactor();
        // A write the users table refuses (its kind CHECK): the whole commit must go.
        const refused = (): Write[] => [
          { text: 'UPDATE users SET kind = $2 WHERE id = $1', values: [user.id, 'robot'] },
        ];
        const next = codeOf(account, clock.now, 1);
        await expect(store.runFactorFlow(flows().verify(id, next), refused)).rejects.toThrow();
        await expect(
          store.runFactorFlow(flows().verify(id, recoveryCodes[0]!), refused),
        ).rejects.toThrow();
        expect((await store.getFactor(user.id))?.recoveryCodesLeft).toBe(3);
        // The step was not taken: the same code is still valid, once.
        expect((await verify(id, next)).result).toMatchObject({ ok: true });
        expect((await verify(id, recoveryCodes[0]!)).result).toMatchObject({ ok: true });

        const b = (await store.createUser(person('b@x.test'), T0))!;
        const pending = await enrol(b);
        const confirm = flows().confirm(String(b.id), codeOf(pending.account, clock.now));
        await expect(store.runFactorFlow(confirm, refused)).rejects.toThrow();
        expect(await store.getFactor(b.id)).toMatchObject({
          status: 'pending',
          recoveryCodesLeft: 0,
        });
      });
    });

    describe('replay guard', () => {
      it('accepts each time step once, and only after the last accepted one, without counting a replay', async () => {
        const { id, account } = await activeFactor();
        const at = (steps: number) => verify(id, codeOf(account, T0, steps));
        const replayed = {
          result: { ok: false, reason: 'replayed' },
          writes: [],
          events: ['replayed'],
        };
        // The step the set-up was confirmed with.
        expect(await at(0)).toEqual(replayed);
        expect((await at(1)).result).toEqual({
          ok: true,
          usedRecoveryCode: false,
          recoveryCodesLeft: 3,
        });
        expect(await at(1)).toEqual(replayed);
        expect(await at(0)).toEqual(replayed);
        // Three replays, and the threshold is three: had they counted, this would meet a lock.
        clock.now += STEP;
        expect((await at(2)).result).toMatchObject({ ok: true });
      });

      it('gives exactly one success to 50 concurrent verifications of one code', async () => {
        const { user, id, account } = await activeFactor();
        const code = codeOf(account, clock.now, 1);
        const results = await Promise.all(Array.from({ length: 50 }, () => verify(id, code)));
        expect(results.filter((d) => d.result?.ok)).toHaveLength(1);
        expect(results.filter((d) => d.result?.ok === false)).toEqual(
          Array(49).fill({
            result: { ok: false, reason: 'replayed' },
            writes: [],
            events: ['replayed'],
          }),
        );
        expect((await store.getFactor(user.id))?.lockedUntil).toBeNull();
      });

      it('verifies nothing without an active factor', async () => {
        const u = (await store.createUser(person('a@x.test'), T0))!;
        const none = { result: null, writes: [], events: [] };
        expect(await verify(String(u.id), '123456')).toEqual(none);
        const { account } = await enrol(u);
        expect(await verify(String(u.id), codeOf(account, clock.now))).toEqual(none);
      });
    });

    describe('recovery codes', () => {
      it('uses each code once, even under 20 concurrent uses, never counting the spent ones', async () => {
        const { user, id, recoveryCodes } = await activeFactor();
        const results = await Promise.all(
          Array.from({ length: 20 }, () => verify(id, recoveryCodes[1]!)),
        );
        expect(results.filter((d) => d.result?.ok)).toEqual([
          {
            result: { ok: true, usedRecoveryCode: true, recoveryCodesLeft: 2 },
            writes: expect.any(Array),
            events: ['recovery_code_used'],
          },
        ]);
        expect(results.filter((d) => d.events.includes('replayed'))).toHaveLength(19);
        expect(await store.getFactor(user.id)).toMatchObject({
          recoveryCodesLeft: 2,
          lockedUntil: null,
        });
      });

      it("takes another user's code as a wrong one", async () => {
        const a = await activeFactor('a@x.test');
        const { id, recoveryCodes } = await activeFactor('b@x.test');
        const code = recoveryCodes[0]!;
        expect((await verify(a.id, code)).events).toEqual(['failed']);
        expect((await verify(id, code)).result).toMatchObject({ ok: true });
      });

      it('replaces all codes on regeneration', async () => {
        const { user, id, recoveryCodes } = await activeFactor();
        await verify(id, recoveryCodes[0]!);
        const { result: fresh } = await store.runFactorFlow(flows().regenerateRecoveryCodes(id));
        expect(fresh).toHaveLength(3);
        expect((await store.getFactor(user.id))?.recoveryCodesLeft).toBe(3);
        // The old ones are gone, not spent: wrong codes.
        expect((await verify(id, recoveryCodes[1]!)).result).toEqual({
          ok: false,
          reason: 'wrong',
        });
        expect((await verify(id, fresh![2]!)).result).toEqual({
          ok: true,
          usedRecoveryCode: true,
          recoveryCodesLeft: 2,
        });
      });
    });

    describe('second-factor lockout', () => {
      it('never counts 20 concurrent wrong codes past the threshold', async () => {
        const { user, id, account } = await activeFactor();
        const code = wrongCode(account, clock.now);
        const results = await Promise.all(
          Array.from({ length: 20 }, () => verify(id, code, { threshold: 10 })),
        );
        expectCountedToTheLockOnly(results);
        expect((await store.getFactor(user.id))?.lockedUntil).toBe(T0 + 15 * MIN);
      });

      it('refuses even a right code while locked, counting nothing, until the lock ends', async () => {
        const { id, account } = await activeFactor();
        const wrong = () => verify(id, wrongCode(account, clock.now));
        for (const events of [['failed'], ['failed'], ['failed', 'locked']]) {
          expect((await wrong()).events).toEqual(events);
        }
        clock.now += 5 * MIN;
        const locked = {
          result: { ok: false, reason: 'locked', retryAfter: 10 * MIN },
          writes: [],
          events: [],
        };
        expect(await verify(id, codeOf(account, clock.now))).toEqual(locked);
        expect(await wrong()).toEqual(locked);
        clock.now += 10 * MIN;
        // Two wrong codes do not lock again: the two refused while locked were not counted.
        expect((await wrong()).events).toEqual(['failed']);
        expect((await wrong()).events).toEqual(['failed']);
        expect((await verify(id, codeOf(account, clock.now))).result).toMatchObject({ ok: true });
      });

      it('makes each further lock longer (15, 30, 75, 150 min) until a success starts the series again', async () => {
        const { id, account } = await activeFactor();
        /** Locks the factor once and tells for how many minutes; then waits it out. */
        const lockOnce = async () => {
          const wrong = () => verify(id, wrongCode(account, clock.now));
          await wrong();
          await wrong();
          const { result } = await wrong();
          const retryAfter = result?.ok === false ? (result.retryAfter ?? 0) : 0;
          clock.now += retryAfter;
          return retryAfter / MIN;
        };
        const minutes = [];
        for (let n = 0; n < 4; n++) minutes.push(await lockOnce());
        expect(minutes).toEqual([15, 30, 75, 150]);
        expect((await verify(id, codeOf(account, clock.now))).result).toMatchObject({ ok: true });
        expect(await lockOnce()).toBe(15);
      });

      it('lifts the lock and its history with the factor (an admin reset)', async () => {
        const { user, id, account } = await activeFactor();
        for (let i = 0; i < 3; i++) await verify(id, wrongCode(account, clock.now));
        expect((await store.getFactor(user.id))?.lockedUntil).toBe(T0 + 15 * MIN);
        expect((await store.runFactorFlow(flows().disable(id))).result).toBe(true);
        const again = await enable(user);
        expect(await store.getFactor(user.id)).toMatchObject({
          status: 'active',
          lockedUntil: null,
        });
        expect((await verify(id, codeOf(again.account, clock.now, 1))).result).toMatchObject({
          ok: true,
        });
      });
    });

    describe('replace secret', () => {
      it("replaces the active factor's secret once, only while it is the factor the replacement began on", async () => {
        const { user, id, account } = await activeFactor();
        const enabledAt = (await store.getFactor(user.id))!.enabledAt!;
        clock.now += MIN;
        const fresh = { ...account, secret: generateSecret() };
        const replace = (began: number) =>
          store.runFactorFlow(
            flows().replaceSecret(id, {
              secret: fresh.secret,
              enabledAt: began,
              code: codeOf(fresh, clock.now),
            }),
          );
        expect((await replace(enabledAt)).result).toEqual({ replaced: true });
        expect(await store.getFactor(user.id)).toEqual({
          status: 'active',
          expiresAt: null,
          enabledAt: T0 + MIN,
          lockedUntil: null,
          recoveryCodesLeft: 3,
        });
        // The new secret's step that proved it is taken; the next one lets the user in.
        expect((await verify(id, codeOf(fresh, clock.now))).result).toMatchObject({
          reason: 'replayed',
        });
        expect((await verify(id, codeOf(fresh, clock.now, 1))).result).toMatchObject({ ok: true });
        // Applied already: the factor's enabledAt moved on.
        expect((await replace(enabledAt)).result).toEqual({ refused: 'STALE' });
        // Nor after a reset and a new set-up.
        const b = await activeFactor('b@x.test');
        const bEnabledAt = (await store.getFactor(b.user.id))!.enabledAt!;
        await store.runFactorFlow(flows().disable(b.id));
        const replaceB = () =>
          store.runFactorFlow(
            flows().replaceSecret(b.id, {
              secret: fresh.secret,
              enabledAt: bEnabledAt,
              code: codeOf(fresh, clock.now),
            }),
          );
        expect((await replaceB()).result).toEqual({ refused: 'MFA_NOT_ENABLED' });
        clock.now += MIN;
        await enable(b.user);
        expect((await replaceB()).result).toEqual({ refused: 'STALE' });
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

      it('reads a challenge with its user and factor, with its recovery codes and lock, in one call', async () => {
        const u = await make();
        const id = String(u.id);
        expect(await store.getChallengeContext('c1')).toEqual({
          challenge: await challenge('c1'),
          user: await store.getUserById(u.id),
          factor: null,
        });
        const { account } = await enrol(u);
        expect((await store.getChallengeContext('c1'))?.factor).toEqual({
          status: 'pending',
          expiresAt: T0 + 10 * MIN,
          enabledAt: null,
          lockedUntil: null,
          recoveryCodesLeft: 0,
        });
        clock.now += 1;
        const { result } = await store.runFactorFlow(
          flows().confirm(id, codeOf(account, clock.now)),
        );
        const codes = 'recoveryCodes' in result ? result.recoveryCodes : [];
        await verify(id, codes[1]!);
        await store.reserveChallengeAttempt('c1', T0 + 3, 5);
        const context = await store.getChallengeContext('c1');
        expect(context).toEqual({
          challenge: await challenge('c1'),
          user: await store.getUserById(u.id),
          factor: await store.getFactor(u.id),
        });
        expect(context?.challenge.attempts).toBe(1);
        expect(context?.factor).toEqual({
          status: 'active',
          expiresAt: null,
          enabledAt: T0 + 1,
          lockedUntil: null,
          recoveryCodesLeft: 2,
        });
        for (let i = 0; i < 3; i++) await verify(id, wrongCode(account, clock.now));
        expect((await store.getChallengeContext('c1'))?.factor?.lockedUntil).toBe(
          T0 + 1 + 15 * MIN,
        );
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

    codeLoginContract(fixture);
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

      it('keeps why sessions were ended, until each would have expired', async () => {
        const { user: a } = await activeFactor('a@x.test');
        const { user: b } = await activeFactor('b@x.test');
        const none = (await store.createUser(person('n@x.test'), T0))!;
        for (const [id, u] of [
          ['a1', a],
          ['a2', a],
          ['b1', b],
          ['n1', none],
          ['plain', none],
        ] as const) {
          await store.createSession(session(id, u.id));
        }
        expect(await store.endUserSessions(a.id, 'a2', 'mfa_changed')).toBe(1);
        await store.disableFactorsForUsers([b.id], {
          disable: (userId) => flows().disable(userId),
          markPasswordUsersForSetup: true,
        });
        await store.deleteSession('plain');
        expect(
          await store.setPolicy({ requireMfaForNonSsoUsers: true }, { exceptSessionId: 'a2' }),
        ).toEqual({ endedSessions: 1 }); // n1; b1 ended already, a2 kept
        const reasons = () =>
          Promise.all(
            ['a1', 'a2', 'b1', 'n1', 'plain'].map((id) => store.endedSessionReason(id, T0)),
          );
        expect(await reasons()).toEqual(['mfa_changed', null, 'mfa_changed', 'mfa_required', null]);
        // Without a reason (a plain end), nothing is kept.
        expect(await store.endUserSessions(a.id)).toBe(1);
        expect(await store.endedSessionReason('a2', T0)).toBeNull();
        // Kept only as long as the session itself would have lived; then pruned.
        const end = T0 + 12 * 60 * MIN;
        expect(await store.endedSessionReason('a1', end - 1)).toBe('mfa_changed');
        expect(await store.endedSessionReason('a1', end)).toBeNull();
        await store.pruneExpired(end, 30 * MIN);
        expect(await store.endedSessionReason('a1', T0)).toBeNull();
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
      it('disables each distinct id once, ends its sessions and reports the rest with reasons', async () => {
        const { user: a, account } = await activeFactor('a@x.test');
        const { user: b } = await activeFactor('b@x.test');
        const sso = (await store.createUser(
          person('s@x.test', { authType: 'saml', passwordHash: null }),
          T0,
        ))!;
        await enable(sso);
        const none = (await store.createUser(person('n@x.test'), T0))!;
        const pending = (await store.createUser(person('p@x.test'), T0))!;
        await enrol(pending);
        for (const [id, userId] of [
          ['sa', a.id],
          ['admin', a.id],
          ['sb', b.id],
        ] as const) {
          await store.createSession({ id, userId, createdAt: T0, expiresAt: T0 + MIN, ip: 'x' });
        }
        const result = await store.disableFactorsForUsers(
          [a.id, 999, b.id, a.id, none.id, sso.id, pending.id],
          {
            disable: (userId) => flows().disable(userId),
            markPasswordUsersForSetup: true,
            exceptSessionId: 'admin',
          },
        );
        expect(result).toEqual({
          disabled: [a.id, b.id, sso.id],
          skipped: [
            { id: 999, reason: 'USER_NOT_FOUND' },
            { id: none.id, reason: 'MFA_NOT_ENABLED' },
            { id: pending.id, reason: 'MFA_NOT_ENABLED' },
          ],
        });
        expect(await store.getSession('sa')).toBeNull();
        expect(await store.getSession('sb')).toBeNull();
        expect(await store.endedSessionReason('sa', T0)).toBe('mfa_changed');
        expect(await store.getSession('admin')).not.toBeNull();
        expect((await store.getUserById(a.id))?.mustSetupMfa).toBe(true);
        expect((await store.getUserById(sso.id))?.mustSetupMfa).toBe(false);
        expect((await store.getUserById(none.id))?.mustSetupMfa).toBe(false);
        for (const u of [a, b, sso]) expect(await store.getFactor(u.id)).toBeNull();
        // A set-up in progress is no MFA to disable: it is left to finish.
        expect((await store.getFactor(pending.id))?.status).toBe('pending');
        // The disabled factor's codes went with it.
        expect((await verify(String(a.id), codeOf(account, clock.now, 1))).result).toBeNull();
      });

      it('leaves the set-up mark alone when not asked to set it', async () => {
        const { user } = await activeFactor();
        const result = await store.disableFactorsForUsers([user.id], {
          disable: (userId) => flows().disable(userId),
          markPasswordUsersForSetup: false,
        });
        expect(result).toEqual({ disabled: [user.id], skipped: [] });
        expect((await store.getUserById(user.id))?.mustSetupMfa).toBe(false);
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
      it('prunes expired challenges, set-ups and sessions, but not a set-up whose lock still runs', async () => {
        const u = (await store.createUser(person('a@x.test'), T0))!;
        await store.createChallenge({
          id: 'c',
          userId: u.id,
          kind: 'mfa',
          binding: 'b',
          createdAt: T0,
          expiresAt: T0 + MIN,
        });
        await enrol(u); // expires at T0 + 10 min
        await store.createSession({
          id: 's',
          userId: u.id,
          createdAt: T0,
          expiresAt: T0 + 60 * MIN,
          ip: 'x',
        });
        // A set-up locked by wrong codes until T0 + 15 min: pruning it on expiry would let a new
        // set-up start with a clean count.
        const v = (await store.createUser(person('v@x.test'), T0))!;
        const { account } = await enrol(v);
        for (let i = 0; i < 3; i++) {
          await store.runFactorFlow(flows().confirm(String(v.id), wrongCode(account, clock.now)));
        }
        await store.pruneExpired(T0 + 11 * MIN, 30 * MIN);
        expect(await challenge('c')).toBeNull();
        expect(await store.getFactor(u.id)).toBeNull();
        expect(await store.getFactor(v.id)).toMatchObject({
          status: 'pending',
          lockedUntil: T0 + 15 * MIN,
        });
        expect(await store.getSession('s')).not.toBeNull();
        await store.pruneExpired(T0 + 31 * MIN, 30 * MIN);
        expect(await store.getSession('s')).toBeNull();
        expect(await store.getFactor(v.id)).toBeNull();
      });
    });
  });
}
