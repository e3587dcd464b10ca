import { html } from "hono/html";
import { PRODUCTS, PRODUCT_SLUGS } from "../products.ts";
import type { Customer } from "../customers.ts";
import { layout } from "./layout.ts";
import type { Html } from "./layout.ts";

export function homePage(greetingText: string, customer: Customer | undefined): Html {
  return layout(
    "Home",
    customer,
    html`<section class="hero">
  <h1>${greetingText}</h1>
  <p>Insurance priced for where you live and when you ask. Sign in to see your own prices.</p>
</section>
<h2>Products</h2>
<ul class="cards">
  ${PRODUCT_SLUGS.map(
    (slug) => html`<li>
    <h3><a href="/products/${slug}">${PRODUCTS[slug].name}</a></h3>
    <p>${PRODUCTS[slug].tagline}</p>
  </li>`,
  )}
</ul>
<h2>Everything else</h2>
<ul>
  <li><a href="/apply">Apply for cover</a> (three steps, with a document upload)</li>
  <li><a href="/checkout">Checkout</a> (card payment form)</li>
  <li><a href="/terms">Terms and Conditions</a></li>
  <li><a href="/login">Sign in</a> as alice, bob or carol</li>
  <li><a href="/events">Live events</a> (server-sent events) and a <a href="/download/big?mb=1">1 MiB download</a></li>
</ul>`,
  );
}
