import { Layout, Notice } from "./layout.tsx";

/** The login form: the ADMIN_TOKEN is typed once and exchanged for a signed, expiring console cookie. */
export function LoginPage(props: { next: string; message: string | null; loggedOut?: boolean }) {
  return (
    <Layout title="Log in" bare>
      <div class="login card">
        <h1>Verbatim support console</h1>
        <p class="sub">Enter the admin token to search and replay recorded sessions.</p>
        {props.message ? <Notice kind="error">{props.message}</Notice> : null}
        {props.loggedOut ? <Notice kind="info">You are logged out.</Notice> : null}
        <form method="post" action="/__verbatim/login">
          <input type="hidden" name="next" value={props.next} />
          <div>
            <label for="token">Admin token</label>
            <input
              id="token"
              name="token"
              type="password"
              autocomplete="current-password"
              required
              autofocus
            />
          </div>
          <div class="actions">
            <button class="primary" type="submit">
              Log in
            </button>
            <span class="muted small">Stays signed in for 8 hours.</span>
          </div>
        </form>
      </div>
    </Layout>
  );
}

export function ErrorPage(props: { title: string; message: string; status: number }) {
  return (
    <Layout title={props.title}>
      <h1>{props.title}</h1>
      <Notice kind="error">{props.message}</Notice>
      <p>
        <a href="/__verbatim/">Back to search</a>
      </p>
      <p class="muted small">HTTP {props.status}</p>
    </Layout>
  );
}
