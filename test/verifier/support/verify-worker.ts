/**
 * One process of the two-process tests: opens a verifier on the database of argv (a PostgreSQL
 * URL or a SQLite file), waits for the shared start time, sends `count` concurrent `verify` calls with one code and
 * prints how many were accepted.
 *
 * node --import tsx verify-worker.ts <database> <key> <userId> <code> <nowMs> <count> <startAtMs>
 */
import { createVerifier } from '../../../sdk/verifier/index.ts';

const [database, key, userId, code, nowMs, count, startAt] = process.argv.slice(2) as string[] as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];
const verifier = await createVerifier({
  database,
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
