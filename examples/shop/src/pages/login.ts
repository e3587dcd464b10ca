import { html } from "hono/html";
import { CUSTOMERS } from "../customers.ts";
import { layout } from "./layout.ts";
import type { Html } from "./layout.ts";

/** `error` is shown after a failed attempt; the username is kept, the password never echoed back. */
export function loginPage(username: string, error: string | undefined): Html {
  return layout(
    "Sign in",
    undefined,
    html`<h1>Sign in</h1>
${error === undefined ? "" : html`<p class="errors" role="alert">${error}</p>`}
<form class="stacked" method="post" action="/login">
  <label>Username <input name="username" autocomplete="username" value="${username}" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button class="primary" type="submit">Sign in</button>
</form>
<p>Demo accounts: ${CUSTOMERS.map((customer, i) => html`${i > 0 ? ", " : ""}<code>${customer.username}</code> / <code>${customer.password}</code>`)}.</p>`,
  );
}
