/** The server-rendered part of each page: what shows before (and without) the bundle's data. */

/**
 * The password step, rendered on the server so the form is there at first paint; with an IdP
 * configured, "Sign in with SSO" (a plain link to the SP-initiated sign-in) and, back from a
 * refused SSO sign-in, what went wrong.
 */
export function LoginForm(props: { next: string; sso?: boolean; ssoError?: string }) {
  const ssoHref = `/api/sso/saml/login?next=${encodeURIComponent(props.next)}`;
  return (
    <section class="card narrow" id="login" data-next={props.next}>
      {props.ssoError ? (
        <p class="notice error" role="alert" id="sso-error">
          SSO sign-in did not work: {props.ssoError} Try again, or ask your administrator.
        </p>
      ) : null}
      {props.sso ? (
        <div class="stack" id="sso-entry">
          <a class="button primary" href={ssoHref} id="sso-link">
            Sign in with SSO
          </a>
          <p class="muted">Or with a username and password:</p>
        </div>
      ) : null}
      <div id="login-step">
        <form id="password-form" class="stack" method="post" action="/login" novalidate>
          <p class="muted">Sign in with your company account.</p>
          <label for="username">Username</label>
          <input
            id="username"
            name="username"
            autocomplete="username"
            autocapitalize="off"
            spellcheck={false}
            required
          />
          <label for="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
          />
          <p id="login-error" class="error" role="alert" />
          <button class="button primary" type="submit">
            Sign in
          </button>
        </form>
      </div>
    </section>
  );
}

/** A placeholder the page module replaces with live content. */
export function Loading(props: { id?: string }) {
  return (
    <div id={props.id ?? 'app'} class="app" aria-busy="true">
      <p class="muted">Loading…</p>
    </div>
  );
}

/** The page a signed-in non-admin gets for an admin path. */
export function Forbidden() {
  return (
    <section class="card">
      <p>Only administrators can open this page.</p>
      <p>
        <a href="/profile">Back to My Profile</a>
      </p>
    </section>
  );
}
