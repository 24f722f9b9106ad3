import type { Child } from 'hono/jsx';
import type { BundleAssets } from './assets.ts';
import { NAV } from './nav.ts';

// A data: URL (allowed by the pages' img-src) so no request 404s for /favicon.ico.
const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='6' fill='%231b4d8c'/%3E%3Ctext x='16' y='23' font-size='20' text-anchor='middle' fill='white' font-family='sans-serif'%3EB%3C/text%3E%3C/svg%3E";

/** Who is signed in, as the header shows them. */
export interface ShellUser {
  name: string;
  username: string;
  role: 'admin' | 'user';
}

/** What every page shell needs. */
export interface ShellProps {
  title: string;
  /** `data-page` on `<body>`: which module of the bundle drives the page. */
  page: string;
  brand: string;
  assets: BundleAssets;
  user: ShellUser | null;
  /** The current path, to mark the menu entry. */
  path: string;
  trail?: string[];
  /** Extra `data-*` for the page module (e.g. `{ kind: 'contact' }`). */
  data?: Record<string, string>;
  children?: Child;
}

/**
 * The document around every BMS page: header with the menu and the signed-in user, the page
 * title with its breadcrumb, a live region for notices, and the bundle (no inline script, as the
 * pages' Content-Security-Policy demands).
 *
 * @example c.html(renderPage(<Shell title="My Profile" page="profile" … />))
 */
export function Shell(props: ShellProps) {
  const { title, page, brand, assets, user, path, trail = [], data = {}, children } = props;
  const dataAttrs = Object.fromEntries(Object.entries(data).map(([k, v]) => [`data-${k}`, v]));
  const items = NAV.filter((item) => !item.admin || user?.role === 'admin');
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{`${title} · ${brand}`}</title>
        <link rel="icon" href={FAVICON} />
        {assets.styles.map((href) => (
          <link rel="stylesheet" href={href} />
        ))}
        {assets.script ? <script type="module" src={assets.script} /> : null}
      </head>
      <body data-page={page} data-company={brand} {...dataAttrs}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="topbar">
          <a class="brand" href={user ? '/profile' : '/login'}>
            <span class="logo" aria-hidden="true">
              B
            </span>
            {brand}
          </a>
          {user ? (
            <div class="who">
              <span class="who-name" title={user.username}>
                {user.name}
              </span>
              <button type="button" class="button ghost" data-action="logout">
                Log out
              </button>
            </div>
          ) : null}
        </header>
        {user ? (
          <nav class="menu" aria-label="Main">
            <ul>
              {items.map((item) => (
                <li>
                  <a
                    href={item.path}
                    aria-current={path === item.path ? 'page' : undefined}
                    data-section={item.trail.join(' › ') || undefined}
                  >
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        <main id="main" tabindex={-1}>
          <div class="page-head">
            {trail.length > 0 ? <p class="trail">{trail.join(' › ')}</p> : null}
            <h1>{title}</h1>
          </div>
          <div id="flash" class="flash" role="status" aria-live="polite" />
          {assets.script ? null : (
            <p class="notice error">
              The page scripts are not built. Run <code>npm run build:bms</code> and reload.
            </p>
          )}
          <noscript>
            <p class="notice error">This page needs JavaScript.</p>
          </noscript>
          {children}
        </main>
      </body>
    </html>
  );
}
