import { html } from "hono/html";
import { PRODUCTS, PRODUCT_SLUGS } from "../products.ts";
import type { Customer } from "../customers.ts";
import { formatUsd } from "../money.ts";
import type { ProductSlug } from "../products.ts";
import { layout } from "./layout.ts";
import type { Html } from "./layout.ts";

/** The list page shows "from" prices already personalised for the visitor. */
export function productListPage(customer: Customer | undefined, prices: Record<ProductSlug, number>): Html {
  return layout(
    "Products",
    customer,
    html`<h1>Products</h1>
<ul class="cards">
  ${PRODUCT_SLUGS.map(
    (slug) => html`<li>
    <h2><a href="/products/${slug}">${PRODUCTS[slug].name}</a></h2>
    <p>${PRODUCTS[slug].tagline}</p>
    <p>From <strong>${formatUsd(prices[slug])}</strong> per year</p>
  </li>`,
  )}
</ul>`,
  );
}
