/**
 * The floor of the verification benchmark (`bench/server.bench.ts`, started as a child process):
 * the bare `node:http` baseline plus only what the goal itself names, "replay guard (durable) and
 * audit on". After the HMAC check it advances the factor's last accepted step with one
 * conditional UPDATE and inserts an audit row, inside the server's own group commit
 * (`write-batch.ts`), and answers only after the server's own durable barrier (`fdatasync` of the
 * WAL, `durable-barrier.ts`), on a SQLite file opened with the server's pragmas.
 *
 * Everything else the real server must also do on that route — decrypt the secret, check the
 * challenge and its binding, end it, count failures, create the session, set cookies and security
 * headers, log — is left out, so the ratio of this server to the bare one bounds what any server
 * meeting the durability rule can reach on the machine the bench runs on.
 *
 * Requests are the bare server's (`{ challengeId, code }`) with `.<n>` appended to the challenge
 * id: `n` numbers the factor row, so a run longer than the seeded users still updates a fresh row
 * per verification (inserted on first use). Rows are laid out as the verifier's
 * `mfa_verifier_factors`, whose rows the real server updates: keyed by the number as text, in the
 * primary key's B-tree (WITHOUT ROWID), so consecutive numbers land where consecutive user ids do.
 *
 * Usage: node --import tsx bench/support/floor-server.ts <port> <secrets.json> <database path>
 */
import { fdatasync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Database from 'better-sqlite3';
import { type OtpAccount, verifyCode } from '../../sdk/otp/index.ts';
import { createDurableBarrier } from '../../server/store/sqlite/durable-barrier.ts';
import { createWriteBatch } from '../../server/store/sqlite/write-batch.ts';

const [portArg, secretsFile, path] = process.argv.slice(2);
if (!portArg || !secretsFile || !path) {
  throw new Error('usage: floor-server.ts <port> <secrets.json> <database path>');
}
const secrets = new Map<string, string>(JSON.parse(readFileSync(secretsFile, 'utf8')));

const db = new Database(path);
// The pragmas of server/store/sqlite/sqlite-store.ts.
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = -2000');
db.pragma('mmap_size = 1073741824');
db.exec(`
  CREATE TABLE mfa_verifier_factors (user_id TEXT PRIMARY KEY, last_step INTEGER NOT NULL)
    WITHOUT ROWID;
  CREATE TABLE audit_events (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL,
    action TEXT NOT NULL, target TEXT, ip TEXT);
`);
const advance = db.prepare(
  `INSERT INTO mfa_verifier_factors (user_id, last_step) VALUES (?, ?)
   ON CONFLICT (user_id) DO UPDATE SET last_step = excluded.last_step
   WHERE last_step < excluded.last_step`,
);
const audit = db.prepare(
  'INSERT INTO audit_events (at, actor, action, target, ip) VALUES (?, ?, ?, ?, ?)',
);
const { write } = createWriteBatch(db);
let wal: number | null = null;
const durable = createDurableBarrier(
  () =>
    new Promise<void>((resolve, reject) => {
      wal ??= openSync(`${path}-wal`, 'r');
      fdatasync(wal, (error) => (error ? reject(error) : resolve()));
    }),
);

const account = (secret: string): OtpAccount => ({
  type: 'totp',
  secret,
  label: 'x',
  issuer: 'MFA Companion',
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
});

/** Replay guard and audit row in one atomic write; true once durable, false for a replay. */
async function accept(row: string, step: number, ip: string): Promise<boolean> {
  const fresh = await write(
    () => {
      if (advance.run(row, step).changes !== 1) return false;
      audit.run(Date.now(), 'bench', 'login.succeeded', 'bench', ip);
      return true;
    },
    { atomic: true },
  );
  if (fresh) await durable();
  return fresh;
}

createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => {
    body += c;
  });
  req.on('end', () => {
    const { challengeId, code } = JSON.parse(body) as { challengeId?: string; code?: string };
    // The bench's readiness probe posts `{}`: such a request is refused like a wrong code.
    const dot = challengeId?.lastIndexOf('.') ?? -1;
    const secret = dot > 0 ? secrets.get(challengeId!.slice(0, dot)) : undefined;
    const checked = secret && code ? verifyCode(account(secret), code, { window: 1 }) : null;
    const decided = checked?.ok
      ? accept(challengeId!.slice(dot + 1), checked.step, req.socket.remoteAddress ?? '')
      : Promise.resolve(false);
    decided.then(
      (ok) => {
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok }));
      },
      () => {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false }));
      },
    );
  });
}).listen(Number(portArg), '127.0.0.1', () => process.stdout.write('ready\n'));
