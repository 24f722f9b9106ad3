/**
 * Hash routes: the fragment never reaches a server, so deep links (including a key handed over
 * by `#/add?uri=…`) work offline and leak nothing to logs.
 */

/** Every screen of the app. */
export type Route =
  | { name: 'codes' }
  | { name: 'add'; params: URLSearchParams }
  | { name: 'account'; id: string }
  | { name: 'settings' }
  | { name: 'backup' }
  | { name: 'not-found'; path: string };

/**
 * Reads a `location.hash` value.
 *
 * @example parseRoute('#/add?uri=otpauth%3A%2F%2F…') // { name: 'add', params }
 */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = (q === -1 ? raw : raw.slice(0, q)).replace(/\/+$/, '') || '/';
  const params = new URLSearchParams(q === -1 ? '' : raw.slice(q + 1));
  if (path === '/' || path === '') return { name: 'codes' };
  if (path === '/add') return { name: 'add', params };
  if (path === '/settings') return { name: 'settings' };
  if (path === '/backup') return { name: 'backup' };
  const account = /^\/account\/([^/]+)$/.exec(path);
  if (account?.[1]) {
    try {
      return { name: 'account', id: decodeURIComponent(account[1]) };
    } catch {
      return { name: 'not-found', path };
    }
  }
  return { name: 'not-found', path };
}

/** The hash of a route, for links. */
export function routeHref(route: Route): string {
  switch (route.name) {
    case 'codes':
      return '#/';
    case 'add': {
      const query = route.params.toString();
      return query ? `#/add?${query}` : '#/add';
    }
    case 'account':
      return `#/account/${encodeURIComponent(route.id)}`;
    case 'settings':
      return '#/settings';
    case 'backup':
      return '#/backup';
    case 'not-found':
      return `#${route.path}`;
  }
}
