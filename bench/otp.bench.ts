/**
 * sdk/otp against a bare RFC 6238 implementation on node:crypto, in the same process.
 * The baseline gets its key already decoded, the strongest version of "bare"; ours is handed
 * the account object a verifier would load from its store. Goal: at least 0.6× the baseline.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { generateCode, type OtpAccount, verifyCode } from '../sdk/otp/index.ts';

const account: OtpAccount = {
  type: 'totp',
  secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  label: 'bench',
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
};
const key = Buffer.from('12345678901234567890');
const AT = 1_700_000_000_000;

function bareCode(step: number): string {
  const message = Buffer.alloc(8);
  message.writeUInt32BE(Math.floor(step / 0x100000000), 0);
  message.writeUInt32BE(step >>> 0, 4);
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = (mac[mac.length - 1] as number) & 15;
  return ((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

function bareVerify(code: string, at: number): number | null {
  const now = Math.floor(at / 30_000);
  for (const step of [now, now - 1, now + 1]) {
    const expected = Buffer.from(bareCode(step));
    const given = Buffer.from(code);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return step;
  }
  return null;
}

const good = generateCode(account, AT);
const wrong = String((Number(good) + 1) % 1_000_000).padStart(6, '0');
if (bareCode(Math.floor(AT / 30_000)) !== good) throw new Error('baseline disagrees with sdk/otp');
if (bareVerify(wrong, AT) !== null || !verifyCode(account, good, { at: AT }).ok) {
  throw new Error('sanity check failed');
}

let sink = 0;
/** Operations per second over one ~250 ms round. */
function round(fn: (i: number) => unknown): number {
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < 250) {
    for (let i = 0; i < 500; i++) if (fn(i)) sink++;
    ops += 500;
    elapsed = performance.now() - start;
  }
  return (ops * 1000) / elapsed;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Alternates the two sides round by round so that drift hits both alike. */
function compare(name: string, ours: (i: number) => unknown, bare: (i: number) => unknown) {
  for (let i = 0; i < 2; i++) {
    round(ours);
    round(bare);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 7; i++) {
    a.push(round(ours));
    b.push(round(bare));
  }
  const [o, r] = [median(a), median(b)];
  const ratio = o / r;
  console.log(
    `${name.padEnd(28)} sdk/otp ${Math.round(o).toLocaleString('en').padStart(9)} ops/s   bare ${Math.round(r).toLocaleString('en').padStart(9)} ops/s   ratio ${ratio.toFixed(2)}×  ${ratio >= 0.6 ? 'ok' : 'BELOW GOAL 0.6×'}`,
  );
  return ratio;
}

const ratios = [
  compare(
    'generateCode',
    (i) => generateCode(account, AT + i * 30_000),
    (i) => bareCode(Math.floor((AT + i * 30_000) / 30_000)),
  ),
  compare(
    'verifyCode (valid code)',
    () => verifyCode(account, good, { at: AT }).ok,
    () => bareVerify(good, AT) !== null,
  ),
  compare(
    'verifyCode (wrong code)',
    () => verifyCode(account, wrong, { at: AT }).ok,
    () => bareVerify(wrong, AT) !== null,
  ),
];
// `sink` keeps the results alive so the engine cannot drop the calls.
console.log(`worst ratio ${Math.min(...ratios).toFixed(2)}× (goal ≥ 0.6×); ${sink} results kept`);
