/**
 * A minimal cookie jar for Node, where `fetch` keeps no cookies: it remembers the cookies one
 * server sets and sends them back. Domain and path are ignored on purpose: a jar belongs to one
 * client, which talks to one base URL.
 *
 * @example
 * const jar = createCookieJar();
 * jar.store(response.headers);
 * headers.set('cookie', jar.header());
 */
export interface CookieJar {
  /** Takes the `Set-Cookie` headers of an answer: new values, and removals (Max-Age=0, past Expires). */
  store(headers: Headers, now?: number): void;
  /** The `Cookie` header value to send, or '' when the jar is empty. */
  header(): string;
  /** One cookie's value, e.g. the session token. */
  get(name: string): string | undefined;
  /** Sets a cookie by hand, e.g. a session token obtained elsewhere. */
  set(name: string, value: string): void;
  /** Forgets every cookie. */
  clear(): void;
}

/**
 * Makes an empty {@link CookieJar}.
 *
 * @example const client = createMfaClient({ baseUrl, jar: createCookieJar() });
 */
export function createCookieJar(): CookieJar {
  const cookies = new Map<string, string>();
  return {
    store(headers, now = Date.now()) {
      for (const line of setCookieLines(headers)) {
        const parsed = parseSetCookie(line, now);
        if (!parsed) continue;
        if (parsed.expired) cookies.delete(parsed.name);
        else cookies.set(parsed.name, parsed.value);
      }
    },
    header: () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    get: (name) => cookies.get(name),
    set: (name, value) => void cookies.set(name, value),
    clear: () => cookies.clear(),
  };
}

function setCookieLines(headers: Headers): string[] {
  if (typeof headers.getSetCookie === 'function') return headers.getSetCookie();
  // Old runtimes join the lines with ", ", which also occurs inside Expires dates: split only
  // where a new "name=" follows.
  const joined = headers.get('set-cookie');
  return joined ? joined.split(/,\s*(?=[^;,=\s]+=)/) : [];
}

function parseSetCookie(
  line: string,
  now: number,
): { name: string; value: string; expired: boolean } | null {
  const [pair = '', ...attributes] = line.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return null;
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  let expired = false;
  for (const attribute of attributes) {
    const [key = '', ...rest] = attribute.split('=');
    const attrValue = rest.join('=').trim();
    const lower = key.trim().toLowerCase();
    // Max-Age wins over Expires (RFC 6265 §5.3 step 3).
    if (lower === 'max-age') {
      expired = Number(attrValue) <= 0;
      break;
    }
    if (lower === 'expires') expired = Date.parse(attrValue) <= now;
  }
  return { name, value, expired };
}
