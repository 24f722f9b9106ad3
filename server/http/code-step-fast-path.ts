import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../logger.ts';
import { ChallengeCodeBody } from '../routes/schemas.ts';
import { codeStep } from '../services/code-login.ts';
import type { Deps } from '../services/deps.ts';
import { resumeSession } from '../services/sessions.ts';
import { errorBody, malformedJson, toApiError, validationFailed } from './api-error.ts';
import { addressFrom } from './client-address.ts';
import {
  BINDING_COOKIE,
  clearedBindingCookieLine,
  cookieFrom,
  SESSION_COOKIE,
  secureFor,
  sessionCookieLine,
} from './cookies.ts';
import { crossSite } from './csrf.ts';
import { hitRateLimit } from './guards.ts';
import { apiSecurityHeaders } from './security-headers.ts';

/** Answers a Node request itself (true) or leaves it untouched for Hono (false). */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

const PATH = '/api/login/mfa';
/** The content types browsers and our SDK send; anything else goes through Hono's media checks. */
const JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8']);

/**
 * `POST /api/login/mfa`, the server's hot route, answered on Node's request and response
 * directly: under load `@hono/node-server`'s web Request and Response, Hono's middleware chain and
 * the validator cost about as much CPU as the bare `node:http` baseline's whole verification.
 *
 * It takes only the plain request — exact path, POST, a JSON content type, a `Content-Length`
 * within the body cap, a `Host`, not cross-site — and leaves every other request, untouched, to
 * Hono, which answers it (413, 415, 403...) as before. What it takes it answers as the Hono route
 * and its middlewares do, through the same functions: rate limit, session, body validation with
 * the same zod schema and messages, `codeStep`, error rendering, security headers, cookies and
 * the request log line (test/server/fast-path.test.ts compares both paths answer by answer).
 *
 * @example
 * const fast = codeStepFastPath(deps, logger);
 * createServer((req, res) => fast(req, res) || honoListener(req, res));
 */
export function codeStepFastPath(deps: Deps, logger: Logger): FastPath {
  const { config } = deps;
  const cap = config.limits.bodyLimitBytes;
  const csrf = { trustProxy: config.trustProxy, allowed: config.publicOrigins };
  const sites = new Map<string, Site | null>();

  return (req, res) => {
    if (req.method !== 'POST' || req.url !== PATH) return false;
    const h = req.headers;
    const type = h['content-type'];
    if (type === undefined || !JSON_TYPES.has(type.toLowerCase())) return false;
    const length = h['content-length'];
    if (length === undefined || h['transfer-encoding'] !== undefined) return false;
    if (!(Number(length) <= cap)) return false;
    const host = h.host;
    if (!host) return false;
    const tls = (req.socket as TLSSocket).encrypted === true;
    const site = siteOf(tls, host);
    if (!site) return false;
    const refused = crossSite(
      {
        method: 'POST',
        origin: h.origin,
        secFetchSite: one(h['sec-fetch-site']),
        ownOrigin: () => site.origin,
        forwardedProto: one(h['x-forwarded-proto']),
        forwardedHost: one(h['x-forwarded-host']),
        host,
      },
      csrf,
    );
    if (refused) return false;
    answer(req, res, site, tls).catch((fault: unknown) => {
      // Only a fault outside the answer's own error handling gets here: never leave the socket.
      const error = toApiError(fault, logger, PATH);
      if (res.headersSent) return void res.destroy();
      res.writeHead(error.status, {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
      });
      res.end(JSON.stringify(errorBody(error)));
    });
    return true;
  };

  /**
   * The origin a Host names and whether its cookies are Secure, as Hono's URL of the request
   * gives them; remembered per Host (a bounded map: the header is the client's).
   */
  function siteOf(tls: boolean, host: string): Site | null {
    const key = `${tls ? 's' : ''}${host}`;
    let site = sites.get(key);
    if (site === undefined) {
      try {
        const url = new URL(`${tls ? 'https' : 'http'}://${host}${PATH}`);
        site = { origin: url.origin, secure: secureFor(config, url.href) };
      } catch {
        site = null;
      }
      if (sites.size >= 256) sites.clear();
      sites.set(key, site);
    }
    return site;
  }

  async function answer(req: IncomingMessage, res: ServerResponse, site: Site, tls: boolean) {
    const started = performance.now();
    const h = req.headers;
    const ip = addressFrom(
      one(h['x-forwarded-for']),
      config.trustProxy,
      () => req.socket.remoteAddress,
    );
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      return; // The client went away before sending its body: nobody to answer.
    }
    const headers: string[] = [];
    for (const [name, value] of apiSecurityHeaders(tls)) headers.push(name, value);
    headers.push('Cache-Control', 'no-store', 'Content-Type', 'application/json');
    let status = 200;
    let json: string;
    try {
      // The order of the Hono chain: rate limit, session, then the body.
      await hitRateLimit(deps, PATH, ip);
      const sessionToken = cookieFrom(h.cookie, SESSION_COOKIE);
      const auth = sessionToken ? await resumeSession(deps, sessionToken) : null;
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        throw malformedJson();
      }
      const valid = ChallengeCodeBody.safeParse(parsed);
      if (!valid.success) throw validationFailed(valid.error.issues);
      const { token, answer } = await codeStep(deps, {
        challengeToken: valid.data.challengeId,
        code: valid.data.code,
        bindingToken: cookieFrom(h.cookie, BINDING_COOKIE),
        ip,
        previousSessionId: auth?.session.id,
      });
      headers.push(
        'Set-Cookie',
        sessionCookieLine(config, token, site.secure),
        'Set-Cookie',
        clearedBindingCookieLine(site.secure),
      );
      json = JSON.stringify(answer);
    } catch (err) {
      const error = toApiError(err, logger, PATH);
      status = error.status;
      if (error.retryAfter !== undefined) headers.push('Retry-After', String(error.retryAfter));
      json = JSON.stringify(errorBody(error));
    }
    if (!res.destroyed) {
      const bytes = Buffer.from(json);
      headers.push('Content-Length', String(bytes.length));
      res.writeHead(status, headers);
      res.end(bytes);
    }
    logger.info('request', {
      method: 'POST',
      path: PATH,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      ip,
    });
  }
}

interface Site {
  origin: string;
  secure: boolean;
}

/** The first value of a header Node may have joined or listed. */
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

const utf8 = new TextDecoder();

/**
 * The whole body as text, decoded as `Request.json()` does (UTF-8, a leading BOM dropped); its
 * size is already capped by `Content-Length`.
 */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(utf8.decode(Buffer.concat(chunks))));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}
