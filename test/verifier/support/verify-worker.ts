/**
 * One process of the two-process test: opens a verifier on the PostgreSQL database of argv,
 * waits for the shared start time, sends `count` concurrent `verify` calls with one code and
 * prints how many were accepted.
 *
 * node --import tsx verify-worker.ts <url> <key> <userId> <code> <nowMs> <count> <startAtMs>
 */
import { createVerifier } from '../../../sdk/verifier/index.ts';

const [url, key, userId, code, nowMs, count, startAt] = process.argv.slice(2) as string[] as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];
const verifier = await createVerifier({
  database: url,
  encryptionKey: key,
  now: () => Number(nowMs),
  poolSize: 10,
});
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const results = await Promise.all(
  Array.from({ length: Number(count) }, () => verifier.verify(userId, code)),
);
await verifier.close();
console.log(JSON.stringify({ ok: results.filter((r) => r.ok).length, total: results.length }));
