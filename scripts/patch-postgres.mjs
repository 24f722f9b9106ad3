/**
 * Runs after every install (`postinstall`): three guards in postgres.js (3.4.9 and 3.4.10) for a
 * connection whose backend dies under a query, each reproduced by test/store/postgres.test.ts
 * (1 and 2: "survives a transaction whose backend is terminated", 3: "fails a query at once
 * while the database refuses connections"):
 *
 * 1. `nextWrite` on a connection that has already closed. Unpatched, a write queued on the
 *    transaction's connection after its backend died runs on a later tick against the closed
 *    socket and throws outside any promise, which kills the server (porsager/postgres#1208,
 *    open; the fix proposed in PR #1209 is what this applies). Guarded, the write fails the
 *    connection's queries with CONNECTION_CLOSED, which the store answers as 503.
 * 2. `closed` after a socket error. Unpatched, it fails the queries still waiting only when the
 *    socket closed without an error, trusting the `error` event to have failed them; but a query
 *    sent between that event and the close (the transaction's next statement) was not there to
 *    fail, its write is cancelled by the close, and its promise never settles: the request hangs.
 *    Seen on a loaded 2-core machine about once in ten terminated transactions; guarded, it
 *    fails with CONNECTION_CLOSED like the rest (300 in a row, same load).
 * 3. The failed query outliving its connection. `closed` fails the query in flight but leaves it
 *    (and the backend's last error) as the connection's current one. When the pool reconnects
 *    that connection for the next query and the database refuses it (an outage: "database does
 *    not allow connections"), the refusal is filed as the stale query's error, the new query is
 *    never failed, and the connection reconnects in a tight loop until the database accepts
 *    again: requests waited the store's whole 15 s limit in the multi-instance restart test.
 *    Guarded, the new query fails with the refusal at once (55000, a 503 to the server).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The ES module build (what the server imports) and the CommonJS one.
const files = [
  join(dirname(fileURLToPath(import.meta.resolve('postgres'))), 'connection.js'),
  join(dirname(createRequire(import.meta.url).resolve('postgres')), 'connection.js'),
];
const guards = [
  {
    name: 'nextWrite against a closed connection',
    unguarded: '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    guarded:
      '  function nextWrite(fn) {\n' +
      '    if (socket === null) { // mfa-companion: porsager/postgres#1208\n' +
      '      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n' +
      '      chunk = nextWriteTimer = null\n' +
      "      error(Errors.connection('CONNECTION_CLOSED', options, socket))\n" +
      '      return false\n' +
      '    }\n' +
      '    const x = socket.write(chunk, fn)',
  },
  {
    name: 'closed: fail the queries sent after a socket error',
    unguarded:
      "    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))",
    guarded:
      '    // mfa-companion: also after an error, for the queries sent since (see patch-postgres.mjs)\n' +
      "    ;(query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))",
  },
  {
    name: 'closed: the failed query does not outlive its connection',
    unguarded:
      '    // mfa-companion: also after an error, for the queries sent since (see patch-postgres.mjs)\n' +
      "    ;(query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))",
    guarded:
      '    // mfa-companion: also after an error, for the queries sent since (see patch-postgres.mjs)\n' +
      "    ;(query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))\n" +
      '    // mfa-companion: nor does the failed query outlive the connection (see patch-postgres.mjs)\n' +
      '    query = results = errorResponse = null\n' +
      '    result = new Result()',
  },
];
for (const file of new Set(files)) {
  const original = readFileSync(file, 'utf8');
  let source = original;
  for (const { name, unguarded, guarded } of guards) {
    if (source.includes(guarded)) continue;
    if (source.includes(unguarded)) {
      source = source.replace(unguarded, guarded);
      console.log(`postgres.js: guarded ${name} in ${file}`);
    } else {
      // A release that changed this code: the guard may be there upstream; the test tells.
      console.warn(`postgres.js: code not as expected in ${file}; guard "${name}" not applied`);
    }
  }
  if (source !== original) writeFileSync(file, source);
}
