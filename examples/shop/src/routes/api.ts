import { Hono } from "hono";
import type { Context } from "hono";
import { accessToken } from "../access-token.ts";
import { MAX_QUANTITY, addToCart, priceCart } from "../cart.ts";
import type { PricedCart } from "../cart.ts";
import { decimalAmount, formatUsd } from "../money.ts";
import { greeting } from "../personalise.ts";
import { PRODUCTS, isProductSlug } from "../products.ts";
import type { ProductSlug } from "../products.ts";
import { ensureSession } from "../session.ts";
import { ShopError } from "../shop-error.ts";
import type { ShopContext } from "../shop-context.ts";
import { resolveVisitor } from "../visitor.ts";
import type { Visitor } from "../visitor.ts";
import { quoteFor } from "../visitor-quote.ts";

/** Money in JSON is a decimal string plus currency (see money.ts), with a display form for the client script. */
function cartJson(cart: PricedCart): unknown {
  return {
    items: cart.lines.map((line) => ({
      product: line.product,
      name: line.name,
      quantity: line.quantity,
      unitPrice: decimalAmount(line.unitCents),
      lineTotal: decimalAmount(line.lineCents),
    })),
    count: cart.count,
    total: decimalAmount(cart.totalCents),
    totalDisplay: formatUsd(cart.totalCents),
    currency: "USD",
  };
}

function pricedCart(shop: ShopContext, visitor: Visitor): PricedCart {
  const date = shop.now();
  return priceCart(visitor.session?.cart ?? [], (slug) => quoteFor(shop, visitor, slug, date).premiumCents);
}

async function readCartRequest(c: Context): Promise<{ product: ProductSlug; quantity: number }> {
  const body: unknown = await c.req.json().catch(() => undefined);
  if (typeof body !== "object" || body === null)
    throw new ShopError("bad_request", "POST /api/cart expects a JSON object");
  const { product, quantity } = body as Record<string, unknown>;
  if (typeof product !== "string" || !isProductSlug(product)) {
    throw new ShopError("bad_request", `POST /api/cart: unknown product ${JSON.stringify(product)}`);
  }
  if (
    typeof quantity !== "number" ||
    !Number.isInteger(quantity) ||
    quantity < 1 ||
    quantity > MAX_QUANTITY
  ) {
    throw new ShopError(
      "bad_request",
      `POST /api/cart: quantity must be an integer from 1 to ${MAX_QUANTITY}`,
    );
  }
  return { product, quantity };
}

/** The JSON API the product page script calls, plus the account endpoint with a bearer secret to mask. */
export function apiRoutes(shop: ShopContext): Hono {
  const app = new Hono();

  app.get("/api/quote", (c) => {
    const slug = c.req.query("product");
    if (!isProductSlug(slug))
      throw new ShopError("bad_request", `GET /api/quote: unknown product ${JSON.stringify(slug)}`);
    const visitor = resolveVisitor(c, shop);
    const date = shop.now();
    const quote = quoteFor(shop, visitor, slug, date);
    return c.json({
      product: slug,
      productName: PRODUCTS[slug].name,
      price: decimalAmount(quote.premiumCents),
      currency: "USD",
      display: formatUsd(quote.premiumCents),
      state: quote.state,
      zip: quote.zip,
      validUntil: quote.validUntil,
      firstName: visitor.customer?.firstName ?? null,
      greeting: greeting(date, visitor.customer?.firstName),
      adjustments: quote.adjustments,
    });
  });

  app.get("/api/cart", (c) => c.json(cartJson(pricedCart(shop, resolveVisitor(c, shop)))));

  app.post("/api/cart", async (c) => {
    const { product, quantity } = await readCartRequest(c);
    const session = ensureSession(c, shop.store);
    session.cart = addToCart(session.cart, product, quantity);
    return c.json(cartJson(pricedCart(shop, { ...resolveVisitor(c, shop), session })));
  });

  app.get("/api/account", async (c) => {
    const { customer } = resolveVisitor(c, shop);
    if (customer === undefined)
      throw new ShopError("unauthorized", "GET /api/account needs a signed-in customer");
    return c.json({
      username: customer.username,
      firstName: customer.firstName,
      lastName: customer.lastName,
      accountNumber: customer.accountNumber,
      zip: customer.zip,
      state: customer.state,
      balance: decimalAmount(customer.balanceCents),
      currency: "USD",
      accessToken: await accessToken(customer, shop.now()),
    });
  });

  return app;
}
