import { Hono } from "hono";
import { orderNumber } from "../application.ts";
import { priceCart } from "../cart.ts";
import type { CartLine, PricedCart } from "../cart.ts";
import { textField } from "../form.ts";
import { DEFAULT_PRODUCT, isProductSlug } from "../products.ts";
import { randomToken } from "../random.ts";
import type { ShopContext } from "../shop-context.ts";
import type { Visitor } from "../visitor.ts";
import { resolveVisitor } from "../visitor.ts";
import { quoteFor } from "../visitor-quote.ts";
import { checkoutPage, orderConfirmationPage } from "../pages/checkout.ts";

/** Field checks for the payment form, as data: field name, pattern after removing spaces and dashes, message. */
const CARD_FIELDS = [
  { name: "cardNumber", pattern: /^\d{12,19}$/, message: "Enter a card number of 12 to 19 digits." },
  { name: "expiry", pattern: /^(0[1-9]|1[0-2])\/\d{2}$/, message: "Enter the expiry as MM/YY." },
  { name: "cvv", pattern: /^\d{3,4}$/, message: "Enter the 3 or 4 digit security code." },
] as const;

/**
 * What is being bought: the session's cart, or one of `?product=` (default home insurance) when the cart is
 * empty, so /checkout always has something to pay for.
 */
function checkoutCart(
  shop: ShopContext,
  visitor: Visitor,
  product: string | undefined,
  date: Date,
): PricedCart {
  const cart: CartLine[] = visitor.session?.cart.length
    ? visitor.session.cart
    : [{ product: isProductSlug(product) ? product : DEFAULT_PRODUCT, quantity: 1 }];
  return priceCart(cart, (slug) => quoteFor(shop, visitor, slug, date).premiumCents);
}

/**
 * The CSRF token is a fresh random value on every render so recordings contain a per-visit secret to mask.
 * The demo does not verify it: tests may POST /checkout without loading the form first.
 */
export function checkoutRoutes(shop: ShopContext): Hono {
  const app = new Hono();

  app.get("/checkout", (c) => {
    const visitor = resolveVisitor(c, shop);
    const cart = checkoutCart(shop, visitor, c.req.query("product"), shop.now());
    const name =
      visitor.customer === undefined ? "" : `${visitor.customer.firstName} ${visitor.customer.lastName}`;
    return c.html(checkoutPage(visitor.customer, cart, randomToken(), name, []));
  });

  app.post("/checkout", async (c) => {
    const visitor = resolveVisitor(c, shop);
    const body = await c.req.parseBody();
    const date = shop.now();
    const cart = checkoutCart(shop, visitor, textField(body, "product"), date);
    const cardholder = textField(body, "cardholder");
    const normalised = (name: string): string => textField(body, name).replace(/[\s-]/g, "");
    const errors = [
      ...(cardholder === "" ? ["Enter the cardholder name."] : []),
      ...CARD_FIELDS.filter((field) => !field.pattern.test(normalised(field.name))).map(
        (field) => field.message,
      ),
    ];
    if (errors.length > 0) {
      return c.html(checkoutPage(visitor.customer, cart, randomToken(), cardholder, errors), 422);
    }

    const number = orderNumber(date.getUTCFullYear(), shop.store.counters.order++);
    if (visitor.session !== undefined) visitor.session.cart = [];
    // Only the last four digits leave this handler, well within what PCI DSS v4.0 requirement 3.4.1 lets a page display.
    const cardLast4 = normalised("cardNumber").slice(-4);
    return c.html(
      orderConfirmationPage(visitor.customer, { number, cardLast4, totalCents: cart.totalCents }),
    );
  });

  return app;
}
