import { describe, expect, it } from "vitest";
import { buildTimeline, isAsset } from "../../worker/src/read/model/timeline.ts";
import { asset, json, row, T_START } from "./support/rows.ts";

const FORM = "application/x-www-form-urlencoded";

describe("buildTimeline", () => {
  const home = row("/", 0);
  const css = row("/static/site.css", 0.2, asset("css"));
  const login = row("/login", 5, {
    page_view: 0,
    method: "POST",
    status: 303,
    request_type: FORM,
    mask_report: JSON.stringify([
      { rule: "password", location: "form:password", count: 1 },
      { rule: "cookie-value", location: "request-header:cookie", count: 2 },
    ]),
  });
  const product = row("/products/home-insurance", 6);
  const quote = row("/api/quote?product=home-insurance", 6.5, json());
  const account = row("/api/account", 7, json({ status: 401 }));
  const png = row("/static/img/product.png", 7.1, asset("image", { status: 404 }));
  const checkout = row("/checkout", 30);
  const cart = row(
    "/api/cart",
    31,
    json({ method: "POST", request_type: "application/json", total_ms: 400 }),
  );
  // Shuffled on purpose: the builder orders by time, then id.
  const timeline = buildTimeline("s", [cart, quote, home, checkout, login, product, account, png, css]);

  it("lists page views in time order", () => {
    expect(timeline.pageViews.map((p) => new URL(p.url).pathname)).toEqual([
      "/",
      "/products/home-insurance",
      "/checkout",
    ]);
  });

  it("nests the calls made while each page was open under it, and folds assets into a count", () => {
    const [first, second, third] = timeline.pageViews;
    expect(first?.calls.map((c) => c.url)).toEqual([login.url]);
    expect(first?.assets).toEqual({ count: 1, failed: 0 });
    expect(second?.calls.map((c) => c.url)).toEqual([quote.url, account.url]);
    expect(second?.assets).toEqual({ count: 1, failed: 1 });
    expect(third?.calls.map((c) => c.url)).toEqual([cart.url]);
  });

  it("measures time on page to the next page view, the last one to its last exchange's end", () => {
    expect(timeline.pageViews.map((p) => [p.timeOnPageMs, p.timeOnPageUntil])).toEqual([
      [6000, "next page view"],
      [24_000, "next page view"],
      [1400, "last exchange"],
    ]);
  });

  it("counts and flags failures (status >= 400 or an error) per page view and per session", () => {
    expect(timeline.pageViews.map((p) => p.errorCount)).toEqual([0, 2, 0]);
    expect(timeline.pageViews[1]?.calls.find((c) => c.url === account.url)?.failed).toBe(true);
    expect(timeline.errorCount).toBe(2);
    expect(timeline.exchangeCount).toBe(9);
    expect(timeline.startedAt).toBe(T_START);
    expect(timeline.endedAt).toBe(T_START + 31_400);
  });

  it("keeps masked fields and only counts masked headers", () => {
    const call = timeline.pageViews[0]?.calls[0];
    expect(call?.kind).toBe("form");
    expect(call?.masked).toEqual([
      { rule: "password", where: "form body", field: "password", count: 1, header: false },
    ]);
    expect(call?.maskedHeaders).toBe(2);
  });

  it("attaches the request fields it is given", () => {
    const fields = new Map([[login.id, [{ name: "password", value: "[REDACTED]", maskedBy: "password" }]]]);
    const withFields = buildTimeline("s", [home, login], { fields });
    expect(withFields.pageViews[0]?.calls[0]?.requestFields).toEqual(fields.get(login.id));
    expect(withFields.pageViews[0]?.requestFields).toBeNull();
  });

  it("puts exchanges before the first page view in a lead group, and a lone page view has no time on page", () => {
    const early = buildTimeline("s", [
      row("/api/cart", 0, json()),
      row("/static/app.js", 0.1, asset("js")),
      row("/", 1),
    ]);
    expect(early.lead.calls).toHaveLength(1);
    expect(early.lead.assets.count).toBe(1);
    expect(early.pageViews[0]?.timeOnPageMs).toBeNull();
    expect(buildTimeline("s", []).startedAt).toBeNull();
  });
});

describe("call kinds and assets", () => {
  it.each([
    [{ method: "POST", request_type: FORM, status: 303, content_class: "other" }, "form"],
    [{ method: "POST", request_type: "multipart/form-data; boundary=x", content_class: "html" }, "form"],
    [{ content_class: "json" }, "json"],
    [{ method: "POST", request_type: "application/json", content_class: "other", status: 204 }, "json"],
    [{ content_class: "html" }, "document"],
    [{ content_class: "text" }, "fetch"],
  ])("%j is a %s call", (changes, kind) => {
    const page = row("/", 0);
    const call = row("/x", 1, { page_view: 0, fetch_dest: "empty", ...changes });
    expect(buildTimeline("s", [page, call]).pageViews[0]?.calls[0]?.kind).toBe(kind);
  });

  it.each([
    [{ content_class: "css" }, true],
    [{ content_class: "font" }, true],
    [{ content_class: "other", fetch_dest: "image" }, true],
    [{ content_class: "other", status: 304, fetch_dest: "style" }, true],
    [{ content_class: "js", method: "POST" }, false],
    [{ content_class: "json" }, false],
    [{ content_class: "other", fetch_dest: "empty" }, false],
  ])("%j is an asset: %s", (changes, expected) => {
    expect(isAsset(row("/x", 0, { page_view: 0, fetch_dest: null, ...changes }))).toBe(expected);
  });
});
