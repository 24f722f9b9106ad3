import { describe, expect, it } from 'vitest';
import { needles, runFullFlow } from './full-flow.ts';
import { makeHarness } from './harness.ts';

describe('no secrets in logs or error answers', () => {
  it('never writes a secret, code, password, hash or token to a log line or an error body', async () => {
    const h = await makeHarness();
    const sensitive = await runFullFlow(h);
    expect(h.logLines.length).toBeGreaterThan(50);
    expect(sensitive.errorBodies.length).toBeGreaterThan(10);
    const hashes = (await h.store.listUsers({ limit: 100 })).users.map(
      async (u) => (await h.store.getUserById(u.id))!.passwordHash!,
    );
    const all = [
      ...needles(sensitive).map((n) => n.bytes.toString()),
      ...(await Promise.all(hashes)),
      '$argon2id$',
    ];
    const lines = [...h.logLines, ...sensitive.errorBodies];
    const leaks = lines.flatMap((line) =>
      all
        .filter((needle) => needle.length >= 6 && line.includes(needle))
        .map((n) => `${n} in ${line}`),
    );
    expect(leaks).toEqual([]);
    for (const c of sensitive.codes) {
      const digitsAlone = new RegExp(`(?<!\\d)${c}(?!\\d)`);
      expect(lines.filter((line) => digitsAlone.test(line))).toEqual([]);
    }
    // The log does say what happened.
    expect(h.logLines.some((l) => l.includes('"action":"mfa.locked"'))).toBe(true);
  });
});
