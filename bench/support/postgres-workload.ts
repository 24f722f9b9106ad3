/**
 * Workloads of the PostgreSQL bench, shared by its SQLite baseline: users seeded straight into
 * the store (cheap argon2 hashes, so set-up time goes to the server, not to hashing), enrolled
 * over HTTP, then a batch of logins waiting for their code, and a closed-loop driver that keeps
 * `concurrency` requests in flight and records each latency.
 */

import type { OtpAccount } from '../../sdk/otp/index.ts';
import { createPasswordHasher } from '../../server/crypto/passwords.ts';
import type { Store } from '../../server/store/contract.ts';
import { Browser } from '../../test/multi-instance/support/browser.ts';
import { enrol, nextCode, startLogin } from '../../test/multi-instance/support/mfa-steps.ts';
import { PASSWORD } from '../../test/multi-instance/support/seed.ts';

export { PASSWORD };

/** Creates `count` password users `bench<i>@x.test` in an open store. */
export async function seedBenchUsers(store: Store, count: number): Promise<string[]> {
  const hasher = createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  const passwordHash = await hasher.hash(PASSWORD);
  const names = Array.from({ length: count }, (_, i) => `bench${i}@x.test`);
  for (const username of names) {
    await store.createUser(
      {
        username,
        name: username,
        kind: 'employee',
        role: 'user',
        authType: 'password',
        passwordHash,
      },
      Date.now(),
    );
  }
  return names;
}

export interface Pending {
  browser: Browser;
  challengeId: string;
  account: OtpAccount;
  base: string;
}

/** Enrols every user (round-robin over `bases`) and leaves each with a fresh MFA challenge. */
export async function prepareLogins(bases: string[], usernames: string[]): Promise<Pending[]> {
  return runPool(usernames, 8, async (username, i) => {
    const base = bases[i % bases.length]!;
    const account = await enrol(new Browser(), base, username);
    const browser = new Browser();
    const challengeId = await startLogin(browser, bases[(i + 1) % bases.length]!, username);
    return { browser, challengeId, account, base: bases[(i + 1) % bases.length]! };
  });
}

export interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
  ok: number;
  total: number;
}

/** Runs `items` through `fn` with `concurrency` in flight; returns results in input order. */
export async function runPool<T, R>(
  items: T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!, i);
      }
    }),
  );
  return results;
}

/** Submits each pending login's next code once (the full verification path) and times it. */
export async function verifyAll(pending: Pending[], concurrency: number): Promise<Figures> {
  const latencies: number[] = [];
  const started = performance.now();
  const statuses = await runPool(pending, concurrency, async (p) => {
    const t = performance.now();
    const res = await p.browser.post(p.base, '/api/login/mfa', {
      challengeId: p.challengeId,
      code: nextCode(p.account),
    });
    latencies.push(performance.now() - t);
    return res.status;
  });
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((x, y) => x - y);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    perSecond: pending.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    ok: statuses.filter((s) => s === 200).length,
    total: statuses.length,
  };
}
