/**
 * The methods the app answers on a path, from its route table (`app.routes`), so a request with
 * another method can be told 405 with `Allow` instead of a 404 that hides the route.
 * Middleware entries (`ALL`) do not count; `HEAD` comes with `GET`, as Hono answers it.
 *
 * @example
 * const allowed = allowedMethods(app.routes);
 * allowed('/api/me'); // ['GET', 'HEAD']
 */
export function allowedMethods(
  routes: readonly { method: string; path: string }[],
): (path: string) => string[] {
  const patterns = routes
    .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
    .map((r) => ({ method: r.method, match: pathPattern(r.path) }));
  return (path) => {
    const methods = new Set<string>();
    for (const p of patterns) if (p.match.test(path)) methods.add(p.method);
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}

/** `/api/admin/users/:id/mfa/reset` as a regular expression over whole paths. */
function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}
