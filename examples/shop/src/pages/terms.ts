import { html } from "hono/html";
import type { Customer } from "../customers.ts";
import type { Terms } from "../terms.ts";
import { layout } from "./layout.ts";
import type { Html } from "./layout.ts";

export function termsPage(terms: Terms, customer: Customer | undefined): Html {
  return layout(
    "Terms and Conditions",
    customer,
    html`<h1>Terms and Conditions, version ${terms.version}</h1>
<p>Effective from ${terms.effective}.</p>
<ol id="terms">
  ${terms.clauses.map((clause) => html`<li>${clause}</li>`)}
</ol>`,
  );
}
