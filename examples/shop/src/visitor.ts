import type { Context } from "hono";
import { findCustomer } from "./customers.ts";
import type { Customer } from "./customers.ts";
import { DEFAULT_ZIP, isZip, stateForZip } from "./locations.ts";
import type { StateCode } from "./locations.ts";
import { getSession } from "./session.ts";
import type { Session } from "./session.ts";
import type { ShopContext } from "./shop-context.ts";

/** Who is looking and where they are: the inputs of every personalised response. */
export type Visitor = {
  readonly session: Session | undefined;
  readonly customer: Customer | undefined;
  readonly zip: string;
  readonly state: StateCode;
  /** True when the ZIP came from `?zip=`, so client-side requests must repeat it. */
  readonly zipFromQuery: boolean;
};

/** Signed-in customers are priced at their address; anonymous visitors at `?zip=` or the default ZIP. */
export function resolveVisitor(c: Context, shop: ShopContext): Visitor {
  const session = getSession(c, shop.store);
  const customer = findCustomer(session?.username);
  if (customer !== undefined) {
    return { session, customer, zip: customer.zip, state: customer.state, zipFromQuery: false };
  }
  const queryZip = c.req.query("zip");
  const zip = queryZip !== undefined && isZip(queryZip) ? queryZip : DEFAULT_ZIP;
  return { session, customer: undefined, zip, state: stateForZip(zip), zipFromQuery: zip === queryZip };
}
