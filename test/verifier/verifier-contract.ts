/**
 * What `mfa-companion/verifier` promises, checked against a database: `runVerifierContract`
 * runs the same cases on SQLite and on PostgreSQL. Times come from a clock the cases move.
 */
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { generateCode, type OtpAccount, parseKeyUri } from '../../sdk/otp/index.ts';
import {
  createVerifier,
  type Verifier,
  VerifierError,
  type VerifierEvent,
  type VerifierOptions,
} from '../../sdk/verifier/index.ts';

export const newKey = () => randomBytes(32).toString('base64');

/** What each case gets: a verifier on a clean database, its clock, and a way to open another. */
export interface Harness {
  verifier: Verifier;
  clock: { now: number };
  events: VerifierEvent[];
  /** Another verifier on the same database (another instance), with these options. */
  open(options?: Partial<VerifierOptions>): Promise<Verifier>;
  /** Reads rows of the database directly (what an attacker with a copy of it would see). */
  rows(sql: string): Promise<Record<string, unknown>[]>;
}

const MINUTE = 60_000;
const T0 = Date.parse('2026-12-07T12:00:00Z');

/** Runs every case against the database `database()` names; `reset` empties its tables. */
export function runVerifierContract(
  name: string,
  setup: {
    database: () => VerifierOptions['database'];
    reset: () => Promise<void>;
    rows: (sql: string) => Promise<Record<string, unknown>[]>;
    /** The verifier's own name for a PostgreSQL pool the harness opens, closed after each case. */
  },
): void {
  describe(`verifier contract on ${name}`, () => {
    let h: Harness;
    const opened: Verifier[] = [];

    beforeEach(async () => {
      await setup.reset();
      const clock = { now: T0 };
      const events: VerifierEvent[] = [];
      const key = newKey();
      const open = async (options: Partial<VerifierOptions> = {}) => {
        const verifier = await createVerifier({
          database: setup.database(),
          encryptionKey: key,
          now: () => clock.now,
          onEvent: (event) => {
            events.push(event);
          },
          ...options,
        });
        opened.push(verifier);
        return verifier;
      };
      h = { verifier: await open(), clock, events, open, rows: setup.rows };
      return async () => {
        for (const v of opened.splice(0)) await v.close();
      };
    });

    /** Enrols and confirms `userId`; returns its account and recovery codes. */
    const enable = async (userId: string) => {
      const { uri } = await h.verifier.enrol(userId, { issuer: 'Acme', account: `${userId}@acme` });
      const account = parseKeyUri(uri);
      const { recoveryCodes } = await h.verifier.confirm(
        userId,
        generateCode(account, h.clock.now),
      );
      return { account, recoveryCodes };
    };
    const later = (ms: number) => {
      h.clock.now += ms;
    };
    const codeNow = (account: OtpAccount) => generateCode(account, h.clock.now);
    const rejection = async (promise: Promise<unknown>) => {
      try {
        await promise;
      } catch (error) {
        if (error instanceof VerifierError)
          return { code: error.code, retryAfter: error.retryAfter };
        throw error;
      }
      throw new Error('expected a VerifierError');
    };

    describe('enrol and confirm', () => {
      it('gives the secret, its otpauth URI and a QR SVG, and keeps the set-up pending', async () => {
        const enrolment = await h.verifier.enrol('ada', { issuer: 'Acme', account: 'ada@acme' });
        const account = parseKeyUri(enrolment.uri);
        expect(account).toMatchObject({ issuer: 'Acme', label: 'ada@acme', digits: 6, period: 30 });
        expect(account.secret).toBe(enrolment.secret);
        expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
        expect(enrolment.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
        expect(enrolment.expiresAt).toBe(T0 + 10 * MINUTE);
        expect(await h.verifier.status('ada')).toEqual({
          userId: 'ada',
          state: 'pending',
          enabledAt: null,
          recoveryCodesLeft: 0,
          lockedUntil: null,
        });
      });

      it('confirms with a code of the new key, issuing 10 single-use recovery codes', async () => {
        const { recoveryCodes } = await enable('ada');
        expect(recoveryCodes).toHaveLength(10);
        expect(new Set(recoveryCodes).size).toBe(10);
        expect(await h.verifier.status('ada')).toEqual({
          userId: 'ada',
          state: 'enabled',
          enabledAt: T0,
          recoveryCodesLeft: 10,
          lockedUntil: null,
        });
        expect(h.events.map((e) => e.type)).toEqual(['enrolment_started', 'enabled']);
      });

      it('refuses a wrong first code, an expired set-up and one never started', async () => {
        const { uri } = await h.verifier.enrol('ada', { issuer: 'Acme', account: 'ada' });
        expect(await rejection(h.verifier.confirm('ada', '000000'))).toEqual({
          code: 'INVALID_CODE',
          retryAfter: undefined,
        });
        later(10 * MINUTE);
        const code = generateCode(parseKeyUri(uri), h.clock.now);
        expect((await rejection(h.verifier.confirm('ada', code))).code).toBe(
          'ENROLMENT_NOT_STARTED',
        );
        expect((await rejection(h.verifier.confirm('bob', '123456'))).code).toBe(
          'ENROLMENT_NOT_STARTED',
        );
        expect((await h.verifier.status('ada')).state).toBe('none');
      });

      it('a new set-up replaces the pending key; an enabled factor is not replaced', async () => {
        const first = await h.verifier.enrol('ada', { issuer: 'Acme', account: 'ada' });
        const second = await h.verifier.enrol('ada', { issuer: 'Acme', account: 'ada' });
        expect(second.secret).not.toBe(first.secret);
        const oldCode = generateCode(parseKeyUri(first.uri), h.clock.now);
        const newCode = generateCode(parseKeyUri(second.uri), h.clock.now);
        if (oldCode !== newCode) {
          expect((await rejection(h.verifier.confirm('ada', oldCode))).code).toBe('INVALID_CODE');
        }
        await h.verifier.confirm('ada', newCode);
        expect(
          (await rejection(h.verifier.enrol('ada', { issuer: 'Acme', account: 'ada' }))).code,
        ).toBe('MFA_ALREADY_ENABLED');
        expect((await rejection(h.verifier.confirm('ada', newCode))).code).toBe(
          'MFA_ALREADY_ENABLED',
        );
      });

      it('refuses bad arguments with INVALID_ARGUMENT', async () => {
        expect((await rejection(h.verifier.enrol('', { issuer: 'A', account: 'a' }))).code).toBe(
          'INVALID_ARGUMENT',
        );
        expect(
          (await rejection(h.verifier.enrol('x'.repeat(256), { issuer: 'A', account: 'a' }))).code,
        ).toBe('INVALID_ARGUMENT');
        for (const [issuer, account] of [
          ['', 'a'],
          ['A', ' '],
          ['A', 'a\nb'],
          ['A', 'x'.repeat(256)],
        ] as const) {
          expect((await rejection(h.verifier.enrol('ada', { issuer, account }))).code).toBe(
            'INVALID_ARGUMENT',
          );
        }
        expect((await rejection(h.verifier.verify('ada', 'x'.repeat(101)))).code).toBe(
          'INVALID_ARGUMENT',
        );
        expect((await rejection(h.verifier.list({ limit: 0 }))).code).toBe('INVALID_ARGUMENT');
        expect((await rejection(h.verifier.list({ after: 7 as unknown as string }))).code).toBe(
          'INVALID_ARGUMENT',
        );
      });
    });

    describe('verify', () => {
      it('accepts a code once per time step: the same code again is replayed, not counted', async () => {
        const { account } = await enable('ada');
        later(30_000);
        const code = codeNow(account);
        expect(await h.verifier.verify('ada', code)).toEqual({
          ok: true,
          usedRecoveryCode: false,
          recoveryCodesLeft: 10,
        });
        for (let i = 0; i < 15; i++) {
          expect(await h.verifier.verify('ada', code)).toEqual({ ok: false, reason: 'replayed' });
        }
        expect((await h.verifier.status('ada')).lockedUntil).toBeNull();
        // The previous step's code is inside the window but at or before the accepted step.
        expect(await h.verifier.verify('ada', generateCode(account, h.clock.now - 30_000))).toEqual(
          {
            ok: false,
            reason: 'replayed',
          },
        );
        later(30_000);
        expect((await h.verifier.verify('ada', codeNow(account))).ok).toBe(true);
      });

      it('accepts a code of the step before or after (clock drift), not two steps off', async () => {
        const { account } = await enable('ada');
        later(5 * MINUTE);
        expect(
          (await h.verifier.verify('ada', generateCode(account, h.clock.now + 30_000))).ok,
        ).toBe(true);
        later(5 * MINUTE);
        expect(
          (await h.verifier.verify('ada', generateCode(account, h.clock.now - 30_000))).ok,
        ).toBe(true);
        later(5 * MINUTE);
        const far = generateCode(account, h.clock.now - 60_000);
        if (far !== codeNow(account)) {
          expect(await h.verifier.verify('ada', far)).toEqual({ ok: false, reason: 'wrong' });
        }
      });

      it('of 50 concurrent calls with one code, exactly one succeeds', async () => {
        const { account } = await enable('ada');
        later(30_000);
        const code = codeNow(account);
        const results = await Promise.all(
          Array.from({ length: 50 }, () => h.verifier.verify('ada', code)),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok && r.reason === 'replayed')).toHaveLength(49);
      });

      it('one success across two instances on the same database', async () => {
        const { account } = await enable('ada');
        const other = await h.open();
        later(30_000);
        const code = codeNow(account);
        const results = await Promise.all(
          Array.from({ length: 40 }, (_, i) => (i % 2 ? other : h.verifier).verify('ada', code)),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(1);
      });

      it('refuses a user without an enabled factor with MFA_NOT_ENABLED', async () => {
        expect((await rejection(h.verifier.verify('nobody', '123456'))).code).toBe(
          'MFA_NOT_ENABLED',
        );
        await h.verifier.enrol('ada', { issuer: 'Acme', account: 'ada' });
        expect((await rejection(h.verifier.verify('ada', '123456'))).code).toBe('MFA_NOT_ENABLED');
      });
    });

    describe('lockout', () => {
      it('locks after 10 wrong codes in a row, refuses even a right code, for 15 then 30 minutes', async () => {
        const { account } = await enable('ada');
        for (let i = 1; i < 10; i++) {
          expect(await h.verifier.verify('ada', 'ABCDE-FGHJK-MNPQR-STVWX-YZ012')).toEqual({
            ok: false,
            reason: 'wrong',
          });
        }
        expect(await h.verifier.verify('ada', '000000')).toEqual({
          ok: false,
          reason: 'locked',
          retryAfter: 15 * MINUTE,
        });
        later(MINUTE);
        expect(await h.verifier.verify('ada', codeNow(account))).toEqual({
          ok: false,
          reason: 'locked',
          retryAfter: 14 * MINUTE,
        });
        expect((await h.verifier.status('ada')).lockedUntil).toBe(T0 + 15 * MINUTE);
        later(14 * MINUTE);
        for (let i = 1; i < 10; i++) await h.verifier.verify('ada', '000000');
        expect(await h.verifier.verify('ada', '000000')).toMatchObject({
          reason: 'locked',
          retryAfter: 30 * MINUTE,
        });
        later(30 * MINUTE);
        expect((await h.verifier.verify('ada', codeNow(account))).ok).toBe(true);
        // A success restarts the count and the escalation: the next lock is 15 minutes again.
        for (let i = 1; i < 10; i++) await h.verifier.verify('ada', '000000');
        expect(await h.verifier.verify('ada', '000000')).toMatchObject({
          retryAfter: 15 * MINUTE,
        });
        expect(h.events.filter((e) => e.type === 'locked')).toHaveLength(3);
      });

      it('30 concurrent wrong codes lock once and never count past the threshold', async () => {
        const { account } = await enable('ada');
        const results = await Promise.all(
          Array.from({ length: 30 }, () => h.verifier.verify('ada', '000000')),
        );
        const wrong = results.filter((r) => !r.ok && r.reason === 'wrong');
        const locked = results.filter((r) => !r.ok && r.reason === 'locked');
        expect(wrong).toHaveLength(9);
        expect(locked).toHaveLength(21);
        expect(h.events.filter((e) => e.type === 'locked')).toHaveLength(1);
        later(15 * MINUTE);
        expect((await h.verifier.verify('ada', codeNow(account))).ok).toBe(true);
      });

      it('wrong first codes of a set-up count on the same counter', async () => {
        const { uri } = await h.verifier.enrol('ada', { issuer: 'Acme', account: 'ada' });
        for (let i = 1; i < 10; i++) await rejection(h.verifier.confirm('ada', '000000'));
        expect(await rejection(h.verifier.confirm('ada', '000000'))).toEqual({
          code: 'MFA_LOCKED',
          retryAfter: 15 * MINUTE,
        });
        // A new set-up does not forgive them.
        const again = await h.verifier.enrol('ada', { issuer: 'Acme', account: 'ada' });
        expect(
          (
            await rejection(
              h.verifier.confirm('ada', generateCode(parseKeyUri(again.uri), h.clock.now)),
            )
          ).code,
        ).toBe('MFA_LOCKED');
        expect(uri).not.toBe(again.uri);
      });

      it('a configured threshold and lock time apply', async () => {
        const strict = await h.open({ maxFailures: 3, lockMs: MINUTE });
        await enable('ada');
        await strict.verify('ada', '000000');
        await strict.verify('ada', '000000');
        expect(await strict.verify('ada', '000000')).toEqual({
          ok: false,
          reason: 'locked',
          retryAfter: MINUTE,
        });
      });
    });

    describe('recovery codes', () => {
      it('each works once, in any case and with or without dashes; a spent one is replayed', async () => {
        const { recoveryCodes } = await enable('ada');
        const [first, second] = recoveryCodes as [string, string];
        expect(await h.verifier.verify('ada', first)).toEqual({
          ok: true,
          usedRecoveryCode: true,
          recoveryCodesLeft: 9,
        });
        expect(await h.verifier.verify('ada', first)).toEqual({ ok: false, reason: 'replayed' });
        expect(
          await h.verifier.verify('ada', second.toLowerCase().replaceAll('-', ' ')),
        ).toMatchObject({ ok: true, recoveryCodesLeft: 8 });
        expect((await h.verifier.status('ada')).recoveryCodesLeft).toBe(8);
        expect(h.events.filter((e) => e.type === 'recovery_code_used')).toHaveLength(2);
      });

      it("another user's code is wrong; 20 concurrent uses of one code give one success", async () => {
        const ada = await enable('ada');
        await enable('bob');
        expect(await h.verifier.verify('bob', ada.recoveryCodes[0]!)).toEqual({
          ok: false,
          reason: 'wrong',
        });
        const results = await Promise.all(
          Array.from({ length: 20 }, () => h.verifier.verify('ada', ada.recoveryCodes[1]!)),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(1);
      });

      it('regeneration replaces every code; it needs an enabled factor', async () => {
        const { recoveryCodes } = await enable('ada');
        const fresh = await h.verifier.regenerateRecoveryCodes('ada');
        expect(fresh.recoveryCodes).toHaveLength(10);
        expect(await h.verifier.verify('ada', recoveryCodes[0]!)).toEqual({
          ok: false,
          reason: 'wrong',
        });
        expect((await h.verifier.verify('ada', fresh.recoveryCodes[0]!)).ok).toBe(true);
        expect((await rejection(h.verifier.regenerateRecoveryCodes('bob'))).code).toBe(
          'MFA_NOT_ENABLED',
        );
      });

      it('are stored only as hashes', async () => {
        const { recoveryCodes } = await enable('ada');
        const stored = JSON.stringify(await h.rows('SELECT * FROM mfa_verifier_recovery_codes'));
        for (const code of recoveryCodes) {
          expect(stored).not.toContain(code);
          expect(stored).not.toContain(code.replaceAll('-', ''));
        }
      });
    });

    describe('disable, status and list', () => {
      it('disable removes the factor, its codes and its lock', async () => {
        const { account } = await enable('ada');
        for (let i = 0; i < 10; i++) await h.verifier.verify('ada', '000000');
        expect(await h.verifier.disable('ada')).toBe(true);
        expect(await h.verifier.disable('ada')).toBe(false);
        expect(await h.verifier.status('ada')).toEqual({
          userId: 'ada',
          state: 'none',
          enabledAt: null,
          recoveryCodesLeft: 0,
          lockedUntil: null,
        });
        expect((await rejection(h.verifier.verify('ada', codeNow(account)))).code).toBe(
          'MFA_NOT_ENABLED',
        );
        expect(
          await h.rows("SELECT * FROM mfa_verifier_recovery_codes WHERE user_id = 'ada'"),
        ).toEqual([]);
        await enable('ada');
        expect((await h.verifier.status('ada')).lockedUntil).toBeNull();
      });

      it('lists factors in pages by user id, by state, without expired set-ups', async () => {
        for (const id of ['u1', 'u2', 'u3', 'u4']) await enable(id);
        await h.verifier.enrol('p1', { issuer: 'Acme', account: 'p1' });
        await h.verifier.enrol('p2', { issuer: 'Acme', account: 'p2' });
        const first = await h.verifier.list({ limit: 3 });
        expect(first.items.map((s) => s.userId)).toEqual(['p1', 'p2', 'u1']);
        expect(first.nextCursor).toBe('u1');
        const rest = await h.verifier.list({ limit: 3, after: first.nextCursor! });
        expect(rest.items.map((s) => s.userId)).toEqual(['u2', 'u3', 'u4']);
        expect(rest.nextCursor).toBeNull();
        const enabled = await h.verifier.list({ state: 'enabled' });
        expect(enabled.items.map((s) => s.userId)).toEqual(['u1', 'u2', 'u3', 'u4']);
        expect(enabled.items[0]).toEqual({
          userId: 'u1',
          state: 'enabled',
          enabledAt: T0,
          recoveryCodesLeft: 10,
          lockedUntil: null,
        });
        expect((await h.verifier.list({ state: 'pending' })).items.map((s) => s.userId)).toEqual([
          'p1',
          'p2',
        ]);
        later(10 * MINUTE);
        expect((await h.verifier.list({ state: 'pending' })).items).toEqual([]);
      });
    });

    describe('secrets and keys', () => {
      it('stores the secret sealed, bound to its user: a row copied to another user does not open', async () => {
        const { account } = await enable('ada');
        await enable('bob');
        const rows = await h.rows(
          'SELECT user_id, secret FROM mfa_verifier_factors ORDER BY user_id',
        );
        expect(JSON.stringify(rows)).not.toContain(account.secret);
        expect(String(rows[0]?.secret)).toMatch(/^v1\.k[0-9a-f]{12}\./);
        await h.rows(
          `UPDATE mfa_verifier_factors SET secret = '${String(rows[0]?.secret)}' WHERE user_id = 'bob'`,
        );
        later(30_000);
        expect((await rejection(h.verifier.verify('bob', codeNow(account)))).code).toBe(
          'SECRET_UNREADABLE',
        );
      });

      it('rotateSecrets re-seals every secret with the new key; the old key is then not needed', async () => {
        const oldKey = newKey();
        const before = await h.open({ encryptionKey: oldKey });
        const { uri } = await before.enrol('ada', { issuer: 'Acme', account: 'ada' });
        const account = parseKeyUri(uri);
        await before.confirm('ada', codeNow(account));
        const rotating = await h.open({
          encryptionKey: newKey(),
          previousEncryptionKeys: [oldKey],
        });
        const key = rotating;
        expect(await key.rotateSecrets()).toBe(1);
        expect(await key.rotateSecrets()).toBe(0);
        later(30_000);
        expect((await key.verify('ada', codeNow(account))).ok).toBe(true);
        later(30_000);
        expect((await rejection(before.verify('ada', codeNow(account)))).code).toBe(
          'SECRET_UNREADABLE',
        );
      });

      it('refuses a key that is not 32 bytes of base64, and an unusable database', async () => {
        await expect(h.open({ encryptionKey: 'c2hvcnQ=' })).rejects.toMatchObject({
          code: 'INVALID_ARGUMENT',
        });
        await expect(
          h.open({ database: {} as unknown as VerifierOptions['database'] }),
        ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      });
    });

    describe('tables and events', () => {
      it('keeps to tables of its own, named mfa_verifier_*', async () => {
        await enable('ada');
        const factors = await h.rows('SELECT count(*) AS n FROM mfa_verifier_factors');
        expect(Number(factors[0]?.n)).toBe(1);
      });

      it('a second instance starting on migrated tables changes nothing', async () => {
        await enable('ada');
        const again = await h.open();
        expect((await again.status('ada')).state).toBe('enabled');
      });

      it('events carry no secret or code, and a failing hook does not fail the call', async () => {
        const { account, recoveryCodes } = await enable('ada');
        const noisy = await h.open({
          onEvent: () => {
            throw new Error('audit down');
          },
        });
        later(30_000);
        expect((await noisy.verify('ada', codeNow(account))).ok).toBe(true);
        const text = JSON.stringify(h.events);
        expect(text).not.toContain(account.secret);
        expect(text).not.toContain(recoveryCodes[0]);
        expect(h.events.every((e) => e.userId === 'ada' && e.at >= T0)).toBe(true);
      });

      it('refuses calls after close with VERIFIER_CLOSED', async () => {
        const v = await h.open();
        await v.close();
        expect((await rejection(v.status('ada'))).code).toBe('VERIFIER_CLOSED');
      });
    });
  });
}
