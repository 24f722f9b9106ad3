/** One link of the BMS navigation; `section` groups the admin pages as the BMS menu does. */
export interface NavItem {
  path: string;
  label: string;
  /** Breadcrumb above the page title, e.g. `['Admin', 'My Company']`. */
  trail: string[];
  admin: boolean;
}

/** The pages, in menu order. Admin pages need the admin role. */
export const NAV: readonly NavItem[] = [
  { path: '/profile', label: 'My Profile', trail: [], admin: false },
  {
    path: '/admin/auth',
    label: 'Auth and Provision',
    trail: ['Admin', 'My Company'],
    admin: true,
  },
  { path: '/admin/employees', label: 'Employees', trail: ['Admin', 'HR'], admin: true },
  { path: '/admin/contacts', label: 'Contacts', trail: ['Admin', 'CRM'], admin: true },
  { path: '/admin/audit', label: 'Audit log', trail: ['Admin'], admin: true },
] as const;

// Any origin works: `next` is only kept when resolving it against one leaves it there.
const HOME = new URL('http://bms.invalid/');

/**
 * Where to go after signing in: a path of this site from `?next=`, else My Profile. `next` is
 * resolved with the URL parser, as a browser would (which drops tabs and line breaks and reads
 * `\` as `/`), and kept only when the result stays on this origin; what is returned is the
 * parser's own serialisation of the path, query and fragment, so no control character reaches
 * a `Location` header.
 *
 * @example safeNext('/admin/contacts?q=ann') // '/admin/contacts?q=ann'
 * @example safeNext('/%09/evil.example/') // '/profile'
 */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith('/')) return '/profile';
  let url: URL;
  try {
    url = new URL(next, HOME);
  } catch {
    return '/profile';
  }
  if (url.origin !== HOME.origin) return '/profile';
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can leave a path that starts `//` ('/..//evil' is '//evil'): a browser reads
  // that as another host, so it must resolve to this origin once more as it is returned.
  if (path.startsWith('//') || new URL(path, HOME).origin !== HOME.origin) return '/profile';
  return path;
}
