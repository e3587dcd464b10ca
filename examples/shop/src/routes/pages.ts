import { Hono } from "hono";
import { longDate } from "../dates.ts";
import { stateDisclaimer, balanceDisclaimer, greeting } from "../personalise.ts";
import { PRODUCT_SLUGS, isProductSlug } from "../products.ts";
import type { ProductSlug } from "../products.ts";
import { TERMS } from "../terms.ts";
import { resolveVisitor } from "../visitor.ts";
import { quoteFor } from "../visitor-quote.ts";
import type { ShopContext } from "../shop-context.ts";
import { homePage } from "../pages/home.ts";
import { productPage } from "../pages/product.ts";
import { productListPage } from "../pages/products.ts";
import { termsPage } from "../pages/terms.ts";

/** The browsable, personalised pages: home, catalogue, product detail, terms. */
export function pageRoutes(shop: ShopContext): Hono {
  const app = new Hono();

  app.get("/", (c) => {
    const { customer } = resolveVisitor(c, shop);
    return c.html(homePage(greeting(shop.now(), customer?.firstName), customer));
  });

  app.get("/products", (c) => {
    const visitor = resolveVisitor(c, shop);
    const date = shop.now();
    const prices = Object.fromEntries(
      PRODUCT_SLUGS.map((slug) => [slug, quoteFor(shop, visitor, slug, date).premiumCents]),
    ) as Record<ProductSlug, number>;
    return c.html(productListPage(visitor.customer, prices));
  });

  app.get("/products/:slug", (c) => {
    const slug = c.req.param("slug");
    if (!isProductSlug(slug)) return c.notFound();
    const visitor = resolveVisitor(c, shop);
    const date = shop.now();
    const quote = quoteFor(shop, visitor, slug, date);
    const balance = balanceDisclaimer(visitor.customer?.balanceCents, quote.premiumCents);
    return c.html(
      productPage({
        customer: visitor.customer,
        quote,
        greeting: greeting(date, visitor.customer?.firstName),
        validUntil: longDate(date),
        stateDisclaimer: stateDisclaimer(visitor.state),
        balanceDisclaimer:
          balance === undefined
            ? undefined
            : { text: balance, warning: (visitor.customer?.balanceCents ?? 0) < quote.premiumCents },
        queryZip: visitor.zipFromQuery ? visitor.zip : undefined,
      }),
    );
  });

  app.get("/terms", (c) => c.html(termsPage(TERMS[shop.version], resolveVisitor(c, shop).customer)));

  return app;
}
