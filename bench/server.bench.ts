/**
 * Verification server benchmark (`npm run bench -- server`).
 *
 * (a) POST /api/login/mfa on the real server (`server/main.ts` in a child process pinned to one
 *     core): per-address rate limit, the challenge and the user's lockout checked, decrypt, HMAC
 *     (sdk/otp verifyCode, ±1 step), replay guard advanced with a durable (fdatasynced) write,
 *     session created, audit written, JSON log lines.
 * (b) the same request on a bare `node:http` server doing only the HMAC check (same verifyCode,
 *     secrets in a Map), also pinned to one core. The two loads alternate in short rounds
 *     (BENCH_ROUNDS × BENCH_SECONDS, default 6 × 3 s) and each round prints its ratio; the
 *     headline is the median, because this kind of machine changes speed by up to 2× within a
 *     minute, and short neighbouring loads see the same speed.
 * (c) POST /api/login (argon2id with OWASP cost) per second.
 * (d) the floor (`bench/support/floor-server.ts`): the bare server plus only the goal's own
 *     "replay guard (durable) and audit on" (one conditional UPDATE and one audit INSERT in the
 *     server's group commit, answered after its fdatasync barrier), loaded in the same rounds.
 *     Its ratio to the bare server bounds what any server with that durability can reach here.
 *
 * Why the replay guard does not refuse the load: the bench seeds USERS users, each with an active
 * factor, ten recovery codes and one open login challenge, straight into the store before the
 * server starts; every request uses a different user's challenge with that user's current code,
 * so each factor is verified once in its time step and every answer must be 200 (the bench fails
 * otherwise).
 * Load comes from autocannon in this process, pinned to the other core.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { generateCode, type OtpAccount, verifyCode } from '../sdk/otp/index.ts';
import { keyringOf } from '../sdk/verifier/secret-box.ts';
import { ensureDataDir } from '../server/crypto/keyring.ts';
import { createPasswordHasher } from '../server/crypto/passwords.ts';
import { openSqliteStore } from '../server/store/sqlite/sqlite-store.ts';
import { wholeNumberFromEnv } from './support/env.ts';
import { seedUsers } from './support/seed-users.ts';

/**
 * Each verification takes a user (and challenge) of its own: a fast machine verifies ~7 000 a
 * second, 140 000 in the default 20 s of warm-up and rounds.
 */
const USERS = wholeNumberFromEnv('BENCH_USERS', 200_000);
const SECONDS = wholeNumberFromEnv('BENCH_SECONDS', 3);
/** Bare and server loads alternate this many times; the ratio is the median of the rounds. */
const ROUNDS = wholeNumberFromEnv('BENCH_ROUNDS', 6);
/** The goal's own load: p99 at most 20 ms at 50 connections. */
const CONNECTIONS = wholeNumberFromEnv('BENCH_CONNECTIONS', 50);
/**
 * Which user each verification takes: `sequential` (default) in seeding order, so neighbouring
 * verifications update neighbouring factor rows and often share a page of the B-tree (a best
 * case); `random`, a shuffled order, as real logins come (each commit then writes more pages).
 */
const ORDER = process.env.BENCH_ORDER ?? 'sequential';
/** Which loads to run (profiling one route): any of bare, floor, mfa, health, login; default all. */
const ONLY = new Set((process.env.BENCH_ONLY ?? 'bare,floor,mfa,health,login').split(','));
const root = join(import.meta.dirname, '..');
const account = (secret: string, label: string): OtpAccount => ({
  type: 'totp',
  secret,
  label,
  issuer: 'MFA Companion',
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
});

interface Seeded {
  challengeIds: string[];
  bindings: string[];
  secrets: string[];
  usernames: string[];
}

async function seed(dataDir: string, key: Buffer): Promise<Seeded> {
  ensureDataDir(dataDir);
  const store = openSqliteStore({ path: join(dataDir, 'mfa.db') });
  await store.migrate();
  const ring = keyringOf([key]);
  const passwordHash = await createPasswordHasher({
    memoryCost: 19_456,
    timeCost: 2,
    parallelism: 1,
  }).hash('bench-password');
  const users = await seedUsers(store, ring, USERS, passwordHash);
  const s: Seeded = {
    challengeIds: users.map((u) => u.challengeToken),
    bindings: users.map((u) => u.binding),
    secrets: users.map((u) => u.secret),
    usernames: users.map((u) => u.username),
  };
  await store.close();
  return s;
}

/** The users' indices in the order the verifications take them (BENCH_ORDER). */
function userOrder(): number[] {
  const order = Array.from({ length: USERS }, (_, i) => i);
  if (ORDER === 'sequential') return order;
  if (ORDER !== 'random') throw new Error(`BENCH_ORDER must be sequential or random, not ${ORDER}`);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function pinned(
  core: number,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
): ChildProcess {
  const out = openSync(logFile, 'w');
  const child = spawn('taskset', ['-c', String(core), process.execPath, ...args], {
    cwd: root,
    env,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  return child;
}

async function waitFor(url: string, init?: RequestInit): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      await fetch(url, init);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not come up`);
}

/** SECONDS of POSTs to `url` from CONNECTIONS connections; `next` makes each request. */
function load(
  url: string,
  next: () => { headers: Record<string, string>; body?: string },
  method: 'GET' | 'POST' = 'POST',
  duration = SECONDS,
) {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        method,
        setupRequest: (req) => {
          const r = next();
          return {
            ...req,
            headers: { ...req.headers, 'content-type': 'application/json', ...r.headers },
            body: r.body,
          };
        },
      },
    ],
  });
}

type Result = Awaited<ReturnType<typeof autocannon>> & {
  cpuPerRequestUs?: number;
  /** The kernel's share of that CPU (system calls: sockets, WAL writes, fsyncs). */
  systemShare?: number;
  busy?: number;
};

/** CPU seconds a process has used so far, user and system, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): { user: number; system: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

/** Runs a load and notes how much CPU the target used: busy share and µs per request. */
async function measured(pid: number | undefined, run: () => Promise<Result>): Promise<Result> {
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const result = await run();
  const cpu1 = cpuSeconds(pid);
  const system = cpu1.system - cpu0.system;
  const cpu = cpu1.user - cpu0.user + system;
  result.systemShare = system / Math.max(cpu, 1e-9);
  result.busy = cpu / ((performance.now() - t0) / 1000);
  result.cpuPerRequestUs = (cpu * 1e6) / Math.max(1, result.requests.total);
  return result;
}
/** Runs a load only when BENCH_ONLY names it. */
const maybe = (name: string, run: () => Promise<Result>) =>
  ONLY.has(name) ? run() : Promise.resolve(null);
const row = (name: string, r: Result) =>
  `${name.padEnd(34)} ${r.requests.average.toFixed(0).padStart(8)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   CPU ${((r.busy ?? 0) * 100).toFixed(0).padStart(3)}% ${(r.cpuPerRequestUs ?? 0).toFixed(0).padStart(5)} µs/req (${((r.systemShare ?? 0) * 100).toFixed(0)}% sys)   2xx ${r['2xx']}  non-2xx ${r.non2xx}`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-bench-'));
  const dataDir = join(dir, 'data');
  const key = randomBytes(32);
  const children: ChildProcess[] = [];
  try {
    execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
    console.log(
      `machine: ${cpus()[0]?.model} × ${cpus().length}, Node ${process.version}, ${process.platform}`,
    );
    const order = userOrder();
    console.log(`seeding ${USERS} users with active factors and open challenges…`);
    const seeded = await seed(dataDir, key);

    // (b) the bare node:http baseline and (a) the real server (durable replay guard, audit on),
    // both started now and loaded in turn, so each round's ratio compares neighbouring minutes.
    const barePort = await freePort();
    const secretsFile = join(dir, 'bare-secrets.json');
    writeFileSync(
      secretsFile,
      JSON.stringify(seeded.challengeIds.map((id, i) => [id, seeded.secrets[i]])),
    );
    const bareServer = pinned(
      0,
      [
        '--import',
        'tsx',
        join(root, 'bench/server.bench.ts'),
        '--bare',
        String(barePort),
        secretsFile,
      ],
      process.env,
      join(dir, 'bare.log'),
    );
    children.push(bareServer);
    const floorPort = await freePort();
    const floorServer = pinned(
      0,
      [
        '--import',
        'tsx',
        join(root, 'bench/support/floor-server.ts'),
        String(floorPort),
        secretsFile,
        join(dir, 'floor.db'),
      ],
      process.env,
      join(dir, 'floor.log'),
    );
    children.push(floorServer);
    const port = await freePort();
    const env = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      MFA_ENCRYPTION_KEY: key.toString('base64'),
      SEED_DEMO: '0',
      RATE_LIMIT_PER_MINUTE: '1000000000',
    };
    const server = pinned(
      0,
      [
        ...(process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? []),
        '--import',
        'tsx',
        join(root, 'server/main.ts'),
      ],
      env,
      join(dir, 'server.log'),
    );
    children.push(server);
    const bareUrl = `http://127.0.0.1:${barePort}/verify`;
    const floorUrl = `http://127.0.0.1:${floorPort}/verify`;
    const base = `http://127.0.0.1:${port}`;
    await waitFor(bareUrl, { method: 'POST', body: '{}' }).catch(() => undefined);
    await waitFor(floorUrl, { method: 'POST', body: '{}' }).catch(() => undefined);
    await waitFor(`${base}/api/health`);

    // Codes are computed before each round (a round is shorter than a time step, the run is not),
    // so the load generator spends nothing on them while it measures.
    const accounts = seeded.secrets.map((secret) => account(secret, 'x'));
    let codes: string[] = [];
    const request = (k: number) => {
      const i = order[k]!;
      return {
        headers: { cookie: `mfa_challenge=${seeded.bindings[i]}` },
        body: JSON.stringify({ challengeId: seeded.challengeIds[i], code: codes[i] }),
      };
    };
    // The floor's rows are its own (numbered by `f`), so its users may repeat.
    const floorRequest = (f: number) => {
      const i = order[f % USERS]!;
      return {
        headers: { cookie: `mfa_challenge=${seeded.bindings[i]}` },
        body: JSON.stringify({ challengeId: `${seeded.challengeIds[i]}.${f}`, code: codes[i] }),
      };
    };
    let b = 0;
    let f = 0;
    let n = 0;
    const rounds: { bare: Result | null; floor: Result | null; mfa: Result | null }[] = [];
    codes = accounts.map((a) => generateCode(a));
    // Warm-up, not measured: the first seconds of each server pay for compiling its code and, on
    // the real one, for pulling the database's pages in.
    if (ONLY.has('bare')) await load(bareUrl, () => request(b++ % USERS), 'POST', 2);
    if (ONLY.has('floor')) await load(floorUrl, () => floorRequest(f++), 'POST', 2);
    if (ONLY.has('mfa')) await load(`${base}/api/login/mfa`, () => request(n++ % USERS), 'POST', 2);
    for (let round = 0; round < ROUNDS; round++) {
      codes = accounts.map((a) => generateCode(a));
      // The same request as the server's (body and binding cookie): both parse the same bytes.
      const bare = await maybe('bare', () =>
        measured(bareServer.pid, () => load(bareUrl, () => request(b++ % USERS))),
      );
      const floor = await maybe('floor', () =>
        measured(floorServer.pid, () => load(floorUrl, () => floorRequest(f++))),
      );
      // Past the seeded users a request reuses one and is refused: the run then fails loudly.
      const mfa = await maybe('mfa', () =>
        measured(server.pid, () => load(`${base}/api/login/mfa`, () => request(n++ % USERS))),
      );
      rounds.push({ bare, floor, mfa });
    }

    // The floor: the same server answering GET /api/health (Hono, middlewares, log line).
    const health = await maybe('health', () =>
      measured(server.pid, () => load(`${base}/api/health`, () => ({ headers: {} }), 'GET')),
    );

    // (c) logins per second (argon2id, OWASP cost, on the same single core).
    let l = 0;
    const logins = await maybe('login', () =>
      measured(server.pid, () =>
        load(`${base}/api/login`, () => ({
          headers: {},
          body: JSON.stringify({
            username: seeded.usernames[USERS - 1 - (l++ % USERS)],
            password: 'bench-password',
          }),
        })),
      ),
    );
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));

    console.log(
      `\n${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per load (verifications: ${n} of ${USERS} seeded users, in ${ORDER} order), server and baseline each on one core\n`,
    );
    const ratio = (r: Result, to: Result) => ({
      rps: r.requests.average / to.requests.average,
      cpu: (to.cpuPerRequestUs ?? 0) / (r.cpuPerRequestUs ?? 1),
    });
    const said = (name: string, x: { rps: number; cpu: number }) =>
      `${' '.repeat(3)}${name} ${x.rps.toFixed(2)}× by req/s, ${x.cpu.toFixed(2)}× by CPU per request`;
    const ratios: { rps: number; cpu: number }[] = [];
    const floorRatios: { rps: number; cpu: number }[] = [];
    rounds.forEach(({ bare, floor, mfa }, round) => {
      if (bare) console.log(row(`${round + 1}: bare node:http, HMAC only`, bare));
      if (floor) console.log(row(`${round + 1}: floor: bare + durable step, audit`, floor));
      if (mfa) console.log(row(`${round + 1}: server POST /api/login/mfa`, mfa));
      if (bare && floor) {
        floorRatios.push(ratio(floor, bare));
        console.log(said('floor / bare ', floorRatios.at(-1)!));
      }
      if (bare && mfa) {
        ratios.push(ratio(mfa, bare));
        console.log(said('server / bare', ratios.at(-1)!));
      }
    });
    if (health) console.log(row('server GET /api/health', health));
    if (logins) console.log(row('server POST /api/login (argon2id)', logins));
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const medians = (xs: { rps: number; cpu: number }[]) =>
      `median of ${xs.length} rounds = ${median(xs.map((r) => r.rps)).toFixed(2)}× by req/s, ${median(xs.map((r) => r.cpu)).toFixed(2)}× by CPU per request`;
    if (floorRatios.length > 0) console.log(`\nfloor / bare, ${medians(floorRatios)}`);
    if (ratios.length > 0) {
      console.log(
        `${floorRatios.length ? '' : '\n'}verifications / bare, ${medians(ratios)} (goal ≥ 0.25× by req/s, p99 ≤ 20 ms at 50 connections)`,
      );
    }
    // Each load's own medians: the p99 and CPU per request are judged per server, not as ratios.
    const typical = (name: string, rs: (Result | null)[]) => {
      const xs = rs.filter((r): r is Result => r !== null);
      if (xs.length === 0) return;
      console.log(
        `${name.padEnd(34)} median of ${xs.length} rounds: ${median(xs.map((r) => r.requests.average)).toFixed(0)} req/s, p99 ${median(xs.map((r) => r.latency.p99))} ms, ${median(xs.map((r) => r.cpuPerRequestUs ?? 0)).toFixed(0)} µs CPU/req`,
      );
    };
    typical(
      'bare node:http, HMAC only',
      rounds.map((r) => r.bare),
    );
    typical(
      'server POST /api/login/mfa',
      rounds.map((r) => r.mfa),
    );
    const floorRefused = rounds.reduce(
      (sum, r) => sum + (r.floor ? r.floor.non2xx + r.floor.errors : 0),
      0,
    );
    if (floorRefused > 0) throw new Error(`the floor server refused ${floorRefused} verifications`);
    const refused = rounds.reduce((sum, r) => sum + (r.mfa ? r.mfa.non2xx + r.mfa.errors : 0), 0);
    if (refused > 0) {
      throw new Error(
        `${refused} verifications refused: the run outgrew the ${USERS} seeded users (raise BENCH_USERS)`,
      );
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

// The same file is the bare baseline server when run with --bare (a child process of the bench).
if (process.argv[2] === '--bare') {
  const port = Number(process.argv[3]);
  const secrets = new Map<string, string>(JSON.parse(readFileSync(process.argv[4]!, 'utf8')));
  createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c;
    });
    req.on('end', () => {
      const { challengeId, code } = JSON.parse(body) as { challengeId: string; code: string };
      const secret = secrets.get(challengeId);
      const ok = secret !== undefined && verifyCode(account(secret, 'x'), code, { window: 1 }).ok;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok }));
    });
  }).listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
} else {
  await main();
}
