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

/**
 * Where to go after signing in: a same-site path from `?next=`, else My Profile. Anything that
 * could leave the site (`//evil`, `https:`, backslashes) is refused.
 *
 * @example safeNext('/admin/contacts?q=ann') // '/admin/contacts?q=ann'
 */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.includes('\\')) {
    return '/profile';
  }
  return next;
}
