import { PRODUCTS } from "./products.ts";
import type { ProductSlug } from "./products.ts";

export type CartLine = { product: ProductSlug; quantity: number };

export const MAX_QUANTITY = 10;

/** Adds to an existing line rather than duplicating it, capped at MAX_QUANTITY per product. */
export function addToCart(cart: readonly CartLine[], product: ProductSlug, quantity: number): CartLine[] {
  const existing = cart.find((line) => line.product === product);
  if (existing === undefined) return [...cart, { product, quantity: Math.min(quantity, MAX_QUANTITY) }];
  return cart.map((line) =>
    line.product === product ? { product, quantity: Math.min(line.quantity + quantity, MAX_QUANTITY) } : line,
  );
}

export type PricedLine = {
  readonly product: ProductSlug;
  readonly name: string;
  readonly quantity: number;
  readonly unitCents: number;
  readonly lineCents: number;
};

export type PricedCart = {
  readonly lines: readonly PricedLine[];
  readonly count: number;
  readonly totalCents: number;
};

/** Prices are looked up when the cart is shown, so a cart follows the time-of-day offers like the pages do. */
export function priceCart(
  cart: readonly CartLine[],
  unitCents: (product: ProductSlug) => number,
): PricedCart {
  const lines = cart.map((line) => {
    const unit = unitCents(line.product);
    return {
      product: line.product,
      name: PRODUCTS[line.product].name,
      quantity: line.quantity,
      unitCents: unit,
      lineCents: unit * line.quantity,
    };
  });
  return {
    lines,
    count: lines.reduce((sum, line) => sum + line.quantity, 0),
    totalCents: lines.reduce((sum, line) => sum + line.lineCents, 0),
  };
}
