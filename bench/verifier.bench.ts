/**
 * `mfa-companion/verifier` in process (`npm run bench -- verifier`): `verify` calls per second and
 * CPU per call of this process (`process.cpuUsage`, so one core's cost), on SQLite (a file in a
 * temporary directory: every commit is fsynced, which is the point) and on PostgreSQL at
 * TEST_DATABASE_URL (a fresh database, dropped after; with its server processes' CPU per call
 * beside, read from /proc), next to the bare HMAC check (sdk/otp `verifyCode`) in the same run.
 * BENCH_VERIFIER_USERS users (default 1 000) are enrolled and confirmed; each round moves the
 * verifier's clock (`now`) to a new time step and every user verifies that step's code once,
 * so the replay guard accepts each call: one after another, then 16 in flight.
 * BENCH_VERIFIER_ROUNDS rounds are measured per row (default 3), after one round of warm-up.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { generateCode, type OtpAccount, parseKeyUri, verifyCode } from '../sdk/otp/index.ts';
import { createVerifier, type Verifier } from '../sdk/verifier/index.ts';
import { createTestDatabase, postgresAvailable } from '../test/support/postgres.ts';
import { wholeNumberFromEnv } from './support/env.ts';

const USERS = wholeNumberFromEnv('BENCH_VERIFIER_USERS', 1000);
const ROUNDS = wholeNumberFromEnv('BENCH_VERIFIER_ROUNDS', 3);
const IN_FLIGHT = 16;
const STEP_MS = 30_000;
const T0 = 1_700_000_000_000;

/** The verifiers' clock: each round sets it to a time step no user has verified yet. */
let clock = T0;
let step = 0;
const nextStep = () => {
  step++;
  clock = T0 + step * STEP_MS;
};

interface Enrolled {
  userId: string;
  account: OtpAccount;
}

interface Figures {
  perSecond: number;
  /** Microseconds of this process's CPU (user + system) per call. */
  cpuUs: number;
  /** Microseconds of the database server's CPU per call (PostgreSQL only). */
  serverCpuUs?: number;
}

/** Runs `calls` calls of `fn`, `inFlight` at a time. */
async function pool(calls: number, inFlight: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < calls) await fn(next++);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/** Enrols and confirms every user, at the clock's current step. */
async function enrolAll(verifier: Verifier): Promise<Enrolled[]> {
  const users: Enrolled[] = new Array(USERS);
  await pool(USERS, IN_FLIGHT, async (i) => {
    const userId = `bench-user-${i}`;
    const { uri } = await verifier.enrol(userId, { issuer: 'Bench', account: `${userId}@bench` });
    const account = parseKeyUri(uri);
    await verifier.confirm(userId, generateCode(account, clock));
    users[i] = { userId, account };
  });
  return users;
}

/** The CPU ticks (1/100 s) the given processes have used, from /proc (Linux). */
function ticksOf(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // gone meanwhile, or not Linux
    }
  }
  return ticks;
}

/** The server processes whose CPU a round counts (PostgreSQL: the verifier's backends). */
type ServerPids = () => Promise<number[]>;

/** `ROUNDS` rounds of one verify per user at a new step each, `inFlight` at a time. */
async function measure(
  verifier: Verifier,
  users: Enrolled[],
  inFlight: number,
  serverPids?: ServerPids,
): Promise<Figures> {
  let wallMs = 0;
  let cpuUs = 0;
  let serverTicks = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    nextStep();
    const codes = users.map((u) => generateCode(u.account, clock));
    const pids = serverPids ? await serverPids() : [];
    const ticks = ticksOf(pids);
    const cpu = process.cpuUsage();
    const start = performance.now();
    await pool(users.length, inFlight, async (i) => {
      const user = users[i] as Enrolled;
      const result = await verifier.verify(user.userId, codes[i] as string);
      if (!result.ok) throw new Error(`verify refused a fresh code: ${result.reason}`);
    });
    if (round === 0) continue; // warm-up: JIT, prepared statements, the pool's connections
    wallMs += performance.now() - start;
    const used = process.cpuUsage(cpu);
    cpuUs += used.user + used.system;
    serverTicks += ticksOf(pids) - ticks;
  }
  const calls = ROUNDS * users.length;
  return {
    perSecond: (calls * 1000) / wallMs,
    cpuUs: cpuUs / calls,
    serverCpuUs: serverPids ? (serverTicks * 10_000) / calls : undefined,
  };
}

/** The bare check in the same process: `verifyCode` over the same accounts, a fresh step each. */
function bare(users: Enrolled[]): Figures {
  let calls = 0;
  let kept = 0;
  let best: Figures | null = null;
  for (let round = 0; round < 8; round++) {
    nextStep();
    const codes = users.map((u) => generateCode(u.account, clock));
    const cpu = process.cpuUsage();
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < 250) {
      for (let i = 0; i < users.length; i++) {
        if (verifyCode((users[i] as Enrolled).account, codes[i] as string, { at: clock }).ok)
          kept++;
      }
      n += users.length;
    }
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    calls += n;
    const figures = { perSecond: (n * 1000) / wallMs, cpuUs: (used.user + used.system) / n };
    // The best of the rounds after the first two (warm-up): the bare cost, least disturbed.
    if (round >= 2 && (!best || figures.cpuUs < best.cpuUs)) best = figures;
  }
  if (kept !== calls) throw new Error('the bare check refused a valid code');
  return best as Figures;
}

const encryptionKey = randomBytes(32).toString('base64');
const rows: { label: string; figures: Figures }[] = [];

async function run(label: string, verifier: Verifier, serverPids?: ServerPids) {
  try {
    const t = performance.now();
    const users = await enrolAll(verifier);
    console.log(
      `${label}: ${USERS} users enrolled in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    if (rows.length === 0)
      rows.push({ label: 'bare HMAC check (sdk/otp verifyCode)', figures: bare(users) });
    rows.push({
      label: `${label}, sequential`,
      figures: await measure(verifier, users, 1, serverPids),
    });
    rows.push({
      label: `${label}, ${IN_FLIGHT} in flight`,
      figures: await measure(verifier, users, IN_FLIGHT, serverPids),
    });
  } finally {
    await verifier.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'mfa-bench-verifier-'));
try {
  await run(
    'SQLite file',
    await createVerifier({ database: join(dir, 'verifier.db'), encryptionKey, now: () => clock }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (await postgresAvailable()) {
  const db = await createTestDatabase('mfa_bench_verifier');
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  // The verifier's own connections (each flushes the WAL of its commits itself); the server's
  // shared background processes are left out, as other databases' work would count there too.
  const serverPids: ServerPids = async () =>
    (
      await admin.query<{ pid: number }>(
        `select pid from pg_stat_activity
          where datname = current_database() and application_name = 'mfa-companion-verifier'`,
      )
    ).rows.map((r) => r.pid);
  try {
    await run(
      'PostgreSQL',
      await createVerifier({
        database: db.url,
        encryptionKey,
        now: () => clock,
        poolSize: IN_FLIGHT,
      }),
      serverPids,
    );
  } finally {
    await admin.end();
    await db.drop();
  }
}

const [baseline] = rows;
const us = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
console.log(
  `\n${USERS} users, ${ROUNDS} × ${USERS} verify calls a row (after a warm-up round), every call a fresh valid code\n`,
);
console.log(
  '| | calls/s | CPU µs/call (this process) | × bare CPU | calls per core-second | DB server CPU µs/call |\n|---|---:|---:|---:|---:|---:|',
);
for (const { label, figures: f } of rows) {
  const ratio = baseline ? f.cpuUs / baseline.figures.cpuUs : 1;
  console.log(
    `| ${label} | ${Math.round(f.perSecond).toLocaleString('en')} | ${us(f.cpuUs)} | ${ratio.toFixed(0)}× | ${Math.round(1e6 / f.cpuUs).toLocaleString('en')} | ${f.serverCpuUs === undefined ? '–' : us(f.serverCpuUs)} |`,
  );
}
console.log(
  '\nCPU per call is user + system time of this Node process (one core: its JavaScript runs on one thread). ' +
    "The DB server column: the verifier's PostgreSQL backends, from /proc (10 ms ticks).",
);
