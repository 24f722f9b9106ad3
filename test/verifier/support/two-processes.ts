import { join } from 'node:path';
import { generateCode, parseKeyUri } from '../../../sdk/otp/index.ts';
import { createVerifier } from '../../../sdk/verifier/index.ts';
import { run } from '../../sdk-package/support/packed-project.ts';
import { newKey } from '../verifier-contract.ts';

const worker = join(import.meta.dirname, 'verify-worker.ts');

/**
 * Enrols a user on `database`, then has two processes send 25 concurrent `verify` calls each with
 * the same next code at one shared moment; resolves to how many each had accepted.
 *
 * @example const [a, b] = await verifyFromTwoProcesses(url); expect(a.ok + b.ok).toBe(1);
 */
export async function verifyFromTwoProcesses(
  database: string,
): Promise<{ ok: number; total: number }[]> {
  const key = newKey();
  const now = Date.parse('2026-12-07T12:00:00Z');
  const verifier = await createVerifier({ database, encryptionKey: key, now: () => now });
  const { uri } = await verifier.enrol('two-processes', { issuer: 'Acme', account: 't' });
  const account = parseKeyUri(uri);
  await verifier.confirm('two-processes', generateCode(account, now));
  await verifier.close();
  const later = now + 30_000;
  const code = generateCode(account, later);
  // Both processes load and connect first, then fire together.
  const startAt = Date.now() + 4000;
  const one = async () => {
    const args = [
      worker,
      database,
      key,
      'two-processes',
      code,
      String(later),
      '25',
      String(startAt),
    ];
    const done = await run(process.execPath, ['--import', 'tsx', ...args], {});
    if (done.status !== 0) throw new Error(`worker ${done.status}: ${done.stderr}`);
    return JSON.parse(done.stdout) as { ok: number; total: number };
  };
  return Promise.all([one(), one()]);
}
