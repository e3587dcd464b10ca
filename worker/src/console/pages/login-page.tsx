import { Layout, Notice } from "./layout.tsx";

/**
 * The sign-in form: an API token (or, in local dev, a demo token) is typed once and exchanged for a signed,
 * expiring console cookie. Behind Cloudflare Access nobody sees this page: Access signs every request.
 */
export function LoginPage(props: {
  next: string;
  message: string | null;
  loggedOut?: boolean;
  local: boolean;
}) {
  return (
    <Layout title="Log in" bare>
      <div class="login card">
        <h1>Verbatim support console</h1>
        <p class="sub">Enter your API token. Access follows your role: support, compliance, ops or admin.</p>
        {props.local ? (
          <p class="muted small">
            Local dev: <code>demo-support</code>, <code>demo-compliance</code>, <code>demo-ops</code> or{" "}
            <code>demo-admin</code> (refused on a real deployment).
          </p>
        ) : null}
        {props.message ? <Notice kind="error">{props.message}</Notice> : null}
        {props.loggedOut ? <Notice kind="info">You are logged out.</Notice> : null}
        <form method="post" action="/__verbatim/login">
          <input type="hidden" name="next" value={props.next} />
          <div>
            <label for="token">Token</label>
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
