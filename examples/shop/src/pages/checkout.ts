import { html } from "hono/html";
import type { PricedCart } from "../cart.ts";
import type { Customer } from "../customers.ts";
import { formatUsd } from "../money.ts";
import { layout } from "./layout.ts";
import type { Html } from "./layout.ts";

function cartTable(cart: PricedCart): Html {
  return html`<table>
  <thead><tr><th>Product</th><th>Quantity</th><th>Price</th></tr></thead>
  <tbody>
    ${cart.lines.map(
      (line) =>
        html`<tr><td>${line.name}</td><td>${line.quantity}</td><td>${formatUsd(line.lineCents)}</td></tr>`,
    )}
  </tbody>
  <tfoot><tr><th colspan="2">Total</th><th id="total">${formatUsd(cart.totalCents)}</th></tr></tfoot>
</table>`;
}

/**
 * The payment form uses the autocomplete tokens of the HTML spec's autofill section (cc-number, cc-exp,
 * cc-csc), which is how a recorder recognises card fields it must never store. Card fields are never
 * re-filled after an error.
 */
export function checkoutPage(
  customer: Customer | undefined,
  cart: PricedCart,
  csrfToken: string,
  cardholder: string,
  errors: readonly string[],
): Html {
  return layout(
    "Checkout",
    customer,
    html`<h1>Checkout</h1>
${cartTable(cart)}
${errors.length === 0 ? "" : html`<ul class="errors" role="alert">${errors.map((error) => html`<li>${error}</li>`)}</ul>`}
<form class="stacked" method="post" action="/checkout">
  <input type="hidden" name="csrf_token" value="${csrfToken}">
  <input type="hidden" name="product" value="${cart.lines[0]?.product ?? ""}">
  <label>Cardholder name <input name="cardholder" autocomplete="cc-name" value="${cardholder}" required></label>
  <label>Card number <input name="cardNumber" autocomplete="cc-number" inputmode="numeric" placeholder="4242 4242 4242 4242" required></label>
  <label>Expiry (MM/YY) <input name="expiry" autocomplete="cc-exp" placeholder="12/29" required></label>
  <label>Security code <input name="cvv" autocomplete="cc-csc" inputmode="numeric" size="4" required></label>
  <button class="primary" type="submit">Pay ${formatUsd(cart.totalCents)}</button>
</form>`,
  );
}

export function orderConfirmationPage(
  customer: Customer | undefined,
  order: { number: string; cardLast4: string; totalCents: number },
): Html {
  return layout(
    "Order confirmed",
    customer,
    html`<h1>Thank you for your order</h1>
<dl class="summary">
  <dt>Order number</dt><dd id="order-number">${order.number}</dd>
  <dt>Amount</dt><dd>${formatUsd(order.totalCents)}</dd>
  <dt>Payment</dt><dd>Paid with card ending ${order.cardLast4}</dd>
</dl>`,
  );
}
