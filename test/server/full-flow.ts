/**
 * One pass through every BMS flow (enable from profile, login with a code, replay, recovery code,
 * regeneration, lockout, policy, forced set-up, admin reset, batch disable), collecting every
 * sensitive string the server saw or produced, for the "no secrets at rest / in logs" tests.
 */
import { base32Decode } from '../../sdk/otp/base32.ts';
import { parseKeyUri } from '../../sdk/otp/index.ts';
import { type Client, type Harness, PASSWORD } from './harness.ts';

export interface Sensitive {
  /** TOTP secrets in base32, and their raw bytes. */
  secrets: string[];
  secretBytes: Buffer[];
  recoveryCodes: string[];
  /** TOTP codes that were typed. */
  codes: string[];
  passwords: string[];
  /** Session cookies and challenge ids (bearer tokens). */
  tokens: string[];
  /** Every answer with status >= 400, as text. */
  errorBodies: string[];
}

export async function runFullFlow(h: Harness): Promise<Sensitive> {
  const s: Sensitive = {
    secrets: [],
    secretBytes: [],
    recoveryCodes: [],
    codes: [],
    passwords: [PASSWORD, 'wrong-password-123'],
    tokens: [],
    errorBodies: [],
  };
  const watch = (client: Client) => {
    const original = client.request.bind(client);
    client.request = async (path, init) => {
      const res = await original(path, init);
      for (const v of client.cookies.values()) s.tokens.push(v);
      if (res.status >= 400) s.errorBodies.push(await res.clone().text());
      return res;
    };
    return client;
  };
  const code = (account: ReturnType<typeof parseKeyUri>, offset = 0) => {
    const c = h.code(account, offset);
    s.codes.push(c);
    return c;
  };
  const keep = (secret: string, codes: string[]) => {
    s.secrets.push(secret);
    s.secretBytes.push(Buffer.from(base32Decode(secret)!));
    s.recoveryCodes.push(...codes);
  };

  const admin = await h.user('admin@demo.test', { role: 'admin' });
  const alice = await h.user('alice@demo.test');
  const carol = await h.user('carol@client.test', { kind: 'contact' });
  const adminClient = watch(await h.signIn(admin.username));

  // Enable from the profile.
  const aliceClient = watch(await h.signIn(alice.username));
  const setup = (await (await aliceClient.post('/api/me/mfa/setup')).json()) as {
    secret: string;
    otpauthUri: string;
  };
  const account = parseKeyUri(setup.otpauthUri);
  await aliceClient.post('/api/me/mfa/enable', { code: '000000' });
  const enabled = (await (
    await aliceClient.post('/api/me/mfa/enable', { code: code(account) })
  ).json()) as { recoveryCodes: string[] };
  keep(setup.secret, enabled.recoveryCodes);
  h.advance(30_000);

  // Login with a code, replay refused, recovery code once.
  const login = async (typed: string) => {
    const c = watch(h.client());
    const res = await c.post('/api/login', { username: alice.username, password: PASSWORD });
    const { challengeId } = (await res.json()) as { challengeId: string };
    s.tokens.push(challengeId);
    return c.post('/api/login/mfa', { challengeId, code: typed });
  };
  const used = code(account);
  await login(used);
  await login(used);
  await login(enabled.recoveryCodes[0]!);
  await login(enabled.recoveryCodes[0]!);
  await watch(h.client()).post('/api/login', {
    username: alice.username,
    password: 'wrong-password-123',
  });

  // Regenerate recovery codes.
  h.advance(30_000);
  const regen = (await (
    await aliceClient.post('/api/me/mfa/recovery-codes', { code: code(account) })
  ).json()) as { recoveryCodes: string[] };
  s.recoveryCodes.push(...regen.recoveryCodes);

  // Lockout.
  for (let i = 0; i < 10; i++) await login(i % 2 ? '111111' : 'ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ');

  // Policy on: carol must set up at login.
  await adminClient.put('/api/admin/policy', { requireMfaForNonSsoUsers: true });
  const carolClient = watch(h.client());
  const first = (await (
    await carolClient.post('/api/login', { username: carol.username, password: PASSWORD })
  ).json()) as { challengeId: string };
  s.tokens.push(first.challengeId);
  const forced = (await (
    await carolClient.post('/api/login/mfa/setup', { challengeId: first.challengeId })
  ).json()) as { secret: string; otpauthUri: string };
  const carolAccount = parseKeyUri(forced.otpauthUri);
  const done = (await (
    await carolClient.post('/api/login/mfa/setup/verify', {
      challengeId: first.challengeId,
      code: code(carolAccount),
    })
  ).json()) as { recoveryCodes: string[] };
  keep(forced.secret, done.recoveryCodes);

  // Admin reset and batch disable.
  h.advance(15 * 60_000);
  await adminClient.get('/api/me');
  await adminClient.post(`/api/admin/users/${alice.id}/mfa/reset`);
  await adminClient.post('/api/admin/users/mfa/disable', { userIds: [carol.id, alice.id, 999] });
  await adminClient.get('/api/admin/users?mfa=disabled');
  await adminClient.get('/api/admin/audit');
  return s;
}

/** Every way a sensitive string could be written down. */
export function needles(s: Sensitive): { label: string; bytes: Buffer }[] {
  const out: { label: string; bytes: Buffer }[] = [];
  const text = (label: string, v: string) => out.push({ label, bytes: Buffer.from(v) });
  for (const v of s.secrets) {
    text('secret', v);
    text('secret (lower case)', v.toLowerCase());
  }
  for (const b of s.secretBytes) {
    out.push({ label: 'secret bytes', bytes: b });
    text('secret hex', b.toString('hex'));
    text('secret base64', b.toString('base64'));
  }
  for (const v of s.recoveryCodes) {
    text('recovery code', v);
    text('recovery code (normalized)', v.replace(/-/g, ''));
  }
  for (const v of s.passwords) text('password', v);
  for (const v of s.tokens) text('token', v);
  return out;
}
