import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Customer } from "../customers.ts";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The main navigation, in display order. Login is swapped for a logout button once signed in. */
const NAV = [
  { href: "/", label: "Home" },
  { href: "/products", label: "Products" },
  { href: "/apply", label: "Apply" },
  { href: "/checkout", label: "Checkout" },
  { href: "/terms", label: "Terms" },
] as const;

function account(customer: Customer | undefined): Html {
  if (customer === undefined) return html`<li><a href="/login">Login</a></li>`;
  return html`<li>
    <form method="post" action="/logout">
      <button type="submit">Log out ${customer.firstName}</button>
    </form>
  </li>`;
}

/** Every page shares this shell: one stylesheet, one deferred script, the logo as an external SVG. */
export function layout(title: string, customer: Customer | undefined, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${title} · Acme Assurance</title>
    <link rel="icon" href="/static/img/logo.svg" type="image/svg+xml">
    <link rel="stylesheet" href="/static/site.css">
    <script src="/static/app.js" defer></script>
  </head>
  <body>
    <header class="site-header">
      <div class="inner">
        <a class="brand" href="/"><img src="/static/img/logo.svg" alt="" width="32" height="32"> Acme Assurance</a>
        <nav class="site-nav" aria-label="Main">
          <ul>
            ${NAV.map((item) => html`<li><a href="${item.href}">${item.label}</a></li>`)}
            ${account(customer)}
          </ul>
        </nav>
      </div>
    </header>
    <main>
${body}
    </main>
    <footer class="site-footer">Acme Assurance is a demo site for Verbatim. Nothing here is a real offer.</footer>
  </body>
</html>
`;
}
