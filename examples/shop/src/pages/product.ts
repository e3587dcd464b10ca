import { html } from "hono/html";
import { PRODUCTS } from "../products.ts";
import type { Customer } from "../customers.ts";
import { STATES } from "../locations.ts";
import { formatUsd } from "../money.ts";
import type { Quote } from "../pricing.ts";
import { layout } from "./layout.ts";
import type { Html } from "./layout.ts";

/** Everything personal on a product page, worked out by the route from the visitor and the clock. */
export type ProductView = {
  readonly customer: Customer | undefined;
  readonly quote: Quote;
  readonly greeting: string;
  readonly validUntil: string;
  readonly stateDisclaimer: string;
  readonly balanceDisclaimer: { text: string; warning: boolean } | undefined;
  /** Set when the visitor chose a ZIP with `?zip=`; the client script must send it again. */
  readonly queryZip: string | undefined;
};

function zipForm(view: ProductView): Html {
  if (view.customer !== undefined) return html``;
  return html`<form method="get" class="zip-form">
      <label>Your ZIP code <input name="zip" value="${view.quote.zip}" inputmode="numeric" pattern="[0-9]{5}" size="6"></label>
      <button type="submit">Update price</button>
    </form>`;
}

export function productPage(view: ProductView): Html {
  const { quote } = view;
  const product = PRODUCTS[quote.product];
  return layout(
    product.name,
    view.customer,
    html`<p class="greeting">${view.greeting}</p>
<section class="product">
  <img src="/static/img/product.png" srcset="/static/img/product.png 1x, /static/img/product@2x.png 2x" alt="${product.imageAlt}" width="64" height="48">
  <div>
    <h1>${product.name}</h1>
    <p>${product.tagline}</p>
    <p class="price"><span id="premium">${formatUsd(quote.premiumCents)}</span> per year</p>
    <p class="adjustments">Base price ${formatUsd(quote.baseCents)} for ${STATES[quote.state]} (ZIP ${quote.zip})${quote.adjustments.map(
      (adjustment) => html`, ${adjustment.label} ${adjustment.percent > 0 ? "+" : ""}${adjustment.percent}%`,
    )}</p>
    <p class="valid-until">Offer valid until ${view.validUntil}.</p>
    ${zipForm(view)}
  </div>
</section>
<div id="quote-widget" data-product="${quote.product}"${view.queryZip === undefined ? "" : html` data-zip="${view.queryZip}"`}>Loading your live quote…</div>
<p><a class="button" href="/apply?product=${quote.product}">Apply now</a> <a href="/checkout?product=${quote.product}">Buy now</a></p>
<section aria-label="Disclaimers">
  <p class="disclaimer">${view.stateDisclaimer}</p>
  ${
    view.balanceDisclaimer === undefined
      ? ""
      : html`<p class="disclaimer${view.balanceDisclaimer.warning ? " warning" : ""}">${view.balanceDisclaimer.text}</p>`
  }
</section>`,
  );
}
