import { quote } from "./pricing.ts";
import type { Quote } from "./pricing.ts";
import type { ProductSlug } from "./products.ts";
import type { ShopContext } from "./shop-context.ts";
import type { Visitor } from "./visitor.ts";

/** The visitor's price for `product` at `date`. Routes read the clock once per request and pass it here. */
export function quoteFor(shop: ShopContext, visitor: Visitor, product: ProductSlug, date: Date): Quote {
  return quote({ product, zip: visitor.zip, state: visitor.state, date, version: shop.version });
}
