import { Hono } from "hono";
import { DATE_PATTERN, SSN_PATTERN, applicationNumber } from "../application.ts";
import { isoDate } from "../dates.ts";
import { fileField, textField } from "../form.ts";
import { isZip, stateForZip } from "../locations.ts";
import { coverPremiumCents, isCoverLevel, quote } from "../pricing.ts";
import { DEFAULT_PRODUCT, isProductSlug } from "../products.ts";
import { ensureSession, getSession } from "../session.ts";
import type { ShopContext } from "../shop-context.ts";
import { resolveVisitor } from "../visitor.ts";
import {
  applyDonePage,
  applyRestartPage,
  applyStep1Page,
  applyStep2Page,
  applySummaryPage,
} from "../pages/apply.ts";

/**
 * The three-step application: urlencoded step 1, multipart step 2, then a confirm that redirects. Answers
 * live in the session between steps, as on most real sites.
 */
export function applyRoutes(shop: ShopContext): Hono {
  const app = new Hono();

  app.get("/apply", (c) => {
    const { customer } = resolveVisitor(c, shop);
    const requested = c.req.query("product");
    return c.html(
      applyStep1Page(
        customer,
        {
          product: isProductSlug(requested) ? requested : DEFAULT_PRODUCT,
          fullName: customer === undefined ? "" : `${customer.firstName} ${customer.lastName}`,
          dateOfBirth: "",
          zip: customer?.zip ?? "",
        },
        [],
      ),
    );
  });

  app.post("/apply/step1", async (c) => {
    const { customer } = resolveVisitor(c, shop);
    const body = await c.req.parseBody();
    const requested = textField(body, "product");
    const values = {
      product: isProductSlug(requested) ? requested : DEFAULT_PRODUCT,
      fullName: textField(body, "fullName"),
      dateOfBirth: textField(body, "dateOfBirth"),
      zip: textField(body, "zip"),
    };
    const ssn = SSN_PATTERN.exec(textField(body, "ssn"));
    const errors = [
      values.fullName === "" ? "Enter your full name." : undefined,
      DATE_PATTERN.test(values.dateOfBirth) && values.dateOfBirth < isoDate(shop.now())
        ? undefined
        : "Enter a date of birth in the past (YYYY-MM-DD).",
      isZip(values.zip) ? undefined : "Enter a five-digit ZIP code.",
      ssn === null ? "Enter a Social Security number like 123-45-6789." : undefined,
    ].filter((error) => error !== undefined);
    if (errors.length > 0 || ssn === null) return c.html(applyStep1Page(customer, values, errors), 422);

    const session = ensureSession(c, shop.store);
    session.application = {
      ...values,
      ssnLast4: ssn[3] ?? "",
      cover: undefined,
      startDate: undefined,
      proof: undefined,
      number: undefined,
      submitted: false,
    };
    return c.html(applyStep2Page(customer, session.application, []));
  });

  app.post("/apply/step2", async (c) => {
    const { customer } = resolveVisitor(c, shop);
    const draft = getSession(c, shop.store)?.application;
    if (draft === undefined || draft.submitted) return c.html(applyRestartPage(customer), 409);

    const body = await c.req.parseBody();
    const cover = textField(body, "cover");
    const startDate = textField(body, "startDate");
    if (!isCoverLevel(cover) || !DATE_PATTERN.test(startDate)) {
      return c.html(
        applyStep2Page(customer, draft, ["Choose a cover level and a start date (YYYY-MM-DD)."]),
        422,
      );
    }
    const proof = fileField(body, "proof");
    const date = shop.now();
    draft.cover = cover;
    draft.startDate = startDate;
    draft.proof = proof === undefined ? undefined : { name: proof.name, size: proof.size };
    draft.number ??= applicationNumber(date.getUTCFullYear(), shop.store.counters.application++);

    const annual = quote({
      product: draft.product,
      zip: draft.zip,
      state: stateForZip(draft.zip),
      date,
      version: shop.version,
    });
    return c.html(applySummaryPage(customer, draft, coverPremiumCents(annual.premiumCents, cover)));
  });

  app.post("/apply/confirm", (c) => {
    const draft = getSession(c, shop.store)?.application;
    if (draft?.number === undefined) return c.html(applyRestartPage(resolveVisitor(c, shop).customer), 409);
    draft.submitted = true;
    return c.redirect("/apply/done", 303);
  });

  app.get("/apply/done", (c) => {
    const { customer, session } = resolveVisitor(c, shop);
    const draft = session?.application;
    return c.html(applyDonePage(customer, draft?.submitted === true ? draft.number : undefined));
  });

  return app;
}
