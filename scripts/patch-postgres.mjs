/**
 * Runs after every install (`postinstall`): guards postgres.js' `nextWrite` against a connection
 * that has already closed. Unpatched (3.4.9 and 3.4.10), a write queued on a transaction's
 * connection after its backend died runs on a later tick against the closed socket and throws
 * outside any promise, which kills the server (porsager/postgres#1208, open; the fix proposed in
 * PR #1209 is what this applies). Patched, the write fails the connection's queries with
 * CONNECTION_CLOSED, which the store answers as 503. test/store/postgres.test.ts reproduces the
 * crash ("survives a transaction whose backend is terminated").
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
const unguarded = '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)';
const guarded =
  '  function nextWrite(fn) {\n' +
  '    if (socket === null) { // mfa-companion: porsager/postgres#1208\n' +
  '      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n' +
  '      chunk = nextWriteTimer = null\n' +
  "      error(Errors.connection('CONNECTION_CLOSED', options, socket))\n" +
  '      return false\n' +
  '    }\n' +
  '    const x = socket.write(chunk, fn)';
for (const file of new Set(files)) {
  const source = readFileSync(file, 'utf8');
  if (source.includes(guarded)) continue;
  if (source.includes(unguarded)) {
    writeFileSync(file, source.replace(unguarded, guarded));
    console.log(`postgres.js: guarded nextWrite against a closed connection in ${file}`);
  } else {
    // A release that changed this code: the guard may be there upstream; the test tells.
    console.warn(`postgres.js: nextWrite not as expected in ${file}; guard not applied`);
  }
}
