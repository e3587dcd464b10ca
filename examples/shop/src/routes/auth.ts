import { Hono } from "hono";
import { authenticate } from "../customers.ts";
import { textField } from "../form.ts";
import { endSession, startSession } from "../session.ts";
import type { ShopContext } from "../shop-context.ts";
import { loginPage } from "../pages/login.ts";

/** Where a successful login lands: the most personalised page of the demo. */
const AFTER_LOGIN = "/products/home-insurance";

export function authRoutes(shop: ShopContext): Hono {
  const app = new Hono();

  app.get("/login", (c) => c.html(loginPage("", undefined)));

  app.post("/login", async (c) => {
    const body = await c.req.parseBody();
    const username = textField(body, "username");
    const customer = authenticate(username, textField(body, "password"));
    if (customer === undefined)
      return c.html(loginPage(username, "Unknown username or wrong password."), 401);
    startSession(c, shop.store, customer.username);
    // 303 See Other (RFC 9110 §15.4.4) so the browser follows with GET, not a re-POST.
    return c.redirect(AFTER_LOGIN, 303);
  });

  app.post("/logout", (c) => {
    endSession(c, shop.store);
    return c.redirect("/", 303);
  });

  return app;
}
