/** The server-rendered part of each page: what shows before (and without) the bundle's data. */

/** The password step, rendered on the server so the form is there at first paint. */
export function LoginForm(props: { next: string }) {
  return (
    <section class="card narrow" id="login" data-next={props.next}>
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
