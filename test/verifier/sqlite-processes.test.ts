/**
 * The verifier on one SQLite file shared by two processes: SQLite's write lock (waited for up to
 * `busy_timeout`) orders them, so one code is accepted once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { verifyFromTwoProcesses } from './support/two-processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'mfa-verifier-processes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('of 50 concurrent calls with one code from two processes on one file, exactly one succeeds', async () => {
  const results = await verifyFromTwoProcesses(join(dir, 'two-processes.db'));
  expect(results.map((r) => r.total)).toEqual([25, 25]);
  expect(results[0]!.ok + results[1]!.ok).toBe(1);
}, 60_000);
