// @ts-check
// A site's own backend that keeps its users' MFA in an MFA Companion server: it enrols a user
// (returns the QR to show and takes the first code) and verifies a login (password, then code)
// through the server's API with `mfa-companion/client`. Each flow gets its own client, so its
// own cookie jar: the server's session belongs to that user, never shared between users.
//
//   MFA_SERVER=http://127.0.0.1:8787 PORT=3000 node node-backend/backend.js
//
//   POST /enrol          { username, password }      → { enrolmentId, otpauthUri, qrSvg }
//   POST /enrol/confirm  { enrolmentId, code }       → { recoveryCodes }
//   POST /login          { username, password, code } → { user, usedRecoveryCode }
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createMfaClient, MfaApiError } from 'mfa-companion/client';

const mfaServer = process.env.MFA_SERVER ?? 'http://127.0.0.1:8787';
const port = Number(process.env.PORT ?? 3000);

/**
 * Enrolments waiting for their first code: the client holding the user's session, and the
 * challenge when the server's policy made the set-up part of the login.
 * @type {Map<string, { client: import('mfa-companion/client').MfaClient, challengeId?: string }>}
 */
const pending = new Map();

/** @param {{ username: string, password: string }} body */
async function enrol({ username, password }) {
  const client = createMfaClient({ baseUrl: mfaServer });
  const step = await client.login({ username, password });
  if (step.status === 'mfa_required') return reply(409, 'MFA_ALREADY_ENABLED', 'MFA is on already');
  const challengeId = step.status === 'mfa_setup_required' ? step.challengeId : undefined;
  const setup = challengeId
    ? await client.loginMfaSetup({ challengeId })
    : await client.startMfaSetup();
  const enrolmentId = randomUUID();
  pending.set(enrolmentId, { client, challengeId });
  return { enrolmentId, otpauthUri: setup.otpauthUri, qrSvg: setup.qrSvg };
}

/** @param {{ enrolmentId: string, code: string }} body */
async function confirm({ enrolmentId, code }) {
  const flow = pending.get(enrolmentId);
  if (!flow) return reply(404, 'ENROLMENT_NOT_FOUND', 'no such enrolment');
  const { recoveryCodes } = flow.challengeId
    ? await flow.client.loginMfaSetupVerify({ challengeId: flow.challengeId, code })
    : await flow.client.enableMfa({ code });
  pending.delete(enrolmentId);
  return { recoveryCodes };
}

/** @param {{ username: string, password: string, code: string }} body */
async function login({ username, password, code }) {
  const client = createMfaClient({ baseUrl: mfaServer });
  const step = await client.login({ username, password });
  if (step.status === 'authenticated') return { user: step.user, usedRecoveryCode: false };
  if (step.status === 'mfa_setup_required') {
    return reply(403, 'MFA_SETUP_REQUIRED', 'enrol first: the policy requires MFA');
  }
  const { user, usedRecoveryCode } = await client.loginMfa({ challengeId: step.challengeId, code });
  // This backend only checks the user; it keeps no session on the MFA server.
  await client.logout();
  return { user, usedRecoveryCode };
}

/** An answer other than 200, in the server's error shape. */
class Reply {
  /** @param {number} status @param {{ error: { code: string, message: string } }} body */
  constructor(status, body) {
    this.status = status;
    this.body = body;
  }
}
/** @param {number} status @param {string} code @param {string} message */
const reply = (status, code, message) => new Reply(status, { error: { code, message } });

/** @type {Record<string, (body: any) => Promise<unknown>>} */
const routes = { '/enrol': enrol, '/enrol/confirm': confirm, '/login': login };

const server = createServer(async (req, res) => {
  const route = req.method === 'POST' ? routes[req.url ?? ''] : undefined;
  let answer;
  try {
    if (!route) answer = reply(404, 'NOT_FOUND', 'no such route');
    else {
      let text = '';
      for await (const chunk of req) text += chunk;
      answer = await route(JSON.parse(text || '{}'));
    }
  } catch (error) {
    // The server's own codes (INVALID_CODE, INVALID_CREDENTIALS, MFA_LOCKED, …) pass through.
    answer =
      error instanceof MfaApiError
        ? reply(error.status || 502, error.code, error.message)
        : reply(400, 'BAD_REQUEST', 'could not read the request');
  }
  const [status, body] = answer instanceof Reply ? [answer.status, answer.body] : [200, answer];
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
});

server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const at = typeof address === 'object' && address ? address.port : port;
  console.log(`backend listening on http://127.0.0.1:${at}, MFA server ${mfaServer}`);
});
process.on('SIGTERM', () => server.close());
