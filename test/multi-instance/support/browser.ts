/**
 * A minimal browser for real-HTTP tests against several server instances: one cookie jar shared
 * across the instances (as behind one load-balanced host name), and the `Origin` of the instance
 * it talks to on every request so the CSRF check passes as for a same-origin page.
 *
 * @example
 * const alice = new Browser();
 * const res = await alice.post(instanceA, '/api/login', { username, password });
 */
export class Browser {
  private readonly jar = new Map<string, string>();

  async request(
    base: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const headers: Record<string, string> = { origin: base };
    if (this.jar.size > 0) {
      headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const line of res.headers.getSetCookie()) this.store(line);
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { text };
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  get(base: string, path: string) {
    return this.request(base, 'GET', path);
  }

  post(base: string, path: string, body?: unknown) {
    return this.request(base, 'POST', path, body ?? {});
  }

  put(base: string, path: string, body: unknown) {
    return this.request(base, 'PUT', path, body);
  }

  /** The value of a cookie in the jar (to hand to another client, e.g. a load generator). */
  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  private store(setCookie: string) {
    const [pair = '', ...attributes] = setCookie.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
    if (expired) this.jar.delete(name);
    else this.jar.set(name, value);
  }
}
