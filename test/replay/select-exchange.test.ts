import { describe, expect, it } from "vitest";
import {
  decide,
  matchExchange,
  nearestAfter,
  nearestBefore,
  type Candidate,
  type ReplayRequest,
} from "../../worker/src/replay/select-exchange.ts";

const URL_PAGE = "https://shop.example/products/home-insurance";
const URL_CART = "https://shop.example/api/cart";

function row(id: string, at: number, over: Partial<Candidate> = {}): Candidate {
  return {
    id,
    started_at: at,
    method: "GET",
    url: URL_CART,
    status: 200,
    page_view: 0,
    request_body_digest: null,
    ...over,
  };
}

const get = (url: string, navigation = false): ReplayRequest => ({
  method: "GET",
  url,
  bodyDigest: null,
  navigation,
});
const post = (url: string, bodyDigest: string | null, navigation = false): ReplayRequest => ({
  method: "POST",
  url,
  bodyDigest,
  navigation,
});

describe("nearestAfter / nearestBefore", () => {
  const rows = [row("a", 10), row("b", 20), row("c", 30)];
  it.each([
    ["between two", 15, "b", "a"],
    ["at an exact time", 20, "b", "b"],
    ["after every row", 35, "c", "c"],
    ["before every row", 5, "a", "a"],
    ["between the last two", 25, "c", "b"],
  ])("%s", (_name, at, after, before) => {
    expect(nearestAfter(rows, at)?.id).toBe(after);
    expect(nearestBefore(rows, at)?.id).toBe(before);
  });

  it("breaks time ties by id and handles no rows", () => {
    expect(nearestAfter([row("b", 10), row("a", 10)], 10)?.id).toBe("a");
    expect(nearestAfter([], 10)).toBeNull();
    expect(nearestBefore([], 10)).toBeNull();
  });
});

describe("matchExchange", () => {
  const cart = [
    row("get-1", 110),
    row("post-q1", 120, { method: "POST", request_body_digest: "q1" }),
    row("post-q2", 130, { method: "POST", request_body_digest: "q2" }),
    row("get-2", 210),
    row("post-q1-later", 220, { method: "POST", request_body_digest: "q1" }),
  ];

  it.each([
    ["a GET: the one nearest after the page view", get(URL_CART), 100, "get-1", true],
    ["a GET of a later page view", get(URL_CART), 200, "get-2", true],
    ["a GET after every recording: the latest before", get(URL_CART), 300, "get-2", true],
    ["a POST with a recorded body", post(URL_CART, "q2"), 100, "post-q2", true],
    ["a POST whose body was recorded twice: nearest after", post(URL_CART, "q1"), 200, "post-q1-later", true],
    ["a POST with an unrecorded body: method and URL", post(URL_CART, "q9"), 100, "post-q1", false],
    ["a POST without a body: method and URL", post(URL_CART, null), 125, "post-q2", false],
    ["a HEAD: the recorded GET", { ...get(URL_CART), method: "HEAD" }, 100, "get-1", false],
  ])("%s", (_name, request, at, id, exact) => {
    expect(matchExchange(cart, request, at)).toMatchObject({ row: { id }, exact });
  });

  it.each([
    ["another method", { ...get(URL_CART), method: "DELETE" }],
    ["another URL", get("https://shop.example/api/quote")],
  ])("finds nothing for %s", (_name, request) => {
    expect(matchExchange(cart, request, 100)).toBeNull();
  });

  it("answers navigations with page views and other requests with the rest", () => {
    const rows = [row("fetched", 105, { url: URL_PAGE }), row("page", 110, { url: URL_PAGE, page_view: 1 })];
    expect(matchExchange(rows, get(URL_PAGE, true), 100)?.row.id).toBe("page");
    expect(matchExchange(rows, get(URL_PAGE, false), 100)?.row.id).toBe("fetched");
    expect(
      matchExchange([row("page", 110, { url: URL_PAGE, page_view: 1 })], get(URL_PAGE), 100)?.row.id,
    ).toBe("page");
  });
});

describe("decide", () => {
  const pageView = row("P", 100, { url: URL_PAGE, page_view: 1 });
  const later = row("P2", 300, { url: URL_PAGE, page_view: 1 });
  const terms = row("T", 200, { url: "https://shop.example/terms", page_view: 1 });
  const login = row("L", 150, {
    url: "https://shop.example/login",
    method: "POST",
    status: 303,
    request_body_digest: "form",
  });
  const checkout = row("C", 250, {
    url: "https://shop.example/checkout",
    method: "POST",
    page_view: 1,
    request_body_digest: "card",
  });
  const all = [pageView, later, terms, login, checkout];
  const only = (url: string) => all.filter((r) => r.url === url);

  it.each([
    [
      "a navigation to the page view's own URL shows it",
      get(URL_PAGE, true),
      { kind: "serve", row: { id: "P" } },
    ],
    [
      "a navigation to another page view redirects",
      get("https://shop.example/terms", true),
      { kind: "redirect", pageView: { id: "T" } },
    ],
    [
      "a form post answered with a redirect serves it",
      post("https://shop.example/login", "form", true),
      { kind: "serve", row: { id: "L" }, exact: true },
    ],
    [
      "a form post that produced a page view redirects to it",
      post("https://shop.example/checkout", "card", true),
      { kind: "redirect", pageView: { id: "C" } },
    ],
    ["a navigation never recorded", get("https://shop.example/apply", true), { kind: "not-recorded" }],
    [
      "a script fetching a page view's URL gets it without a redirect",
      get("https://shop.example/terms"),
      { kind: "serve", row: { id: "T" } },
    ],
  ])("%s", (_name, request, expected) => {
    expect(decide(pageView, only(request.url), request)).toMatchObject(expected);
  });

  it("shows a POST page view when its origin is navigated to with GET (after the 303)", () => {
    expect(decide(checkout, only(checkout.url), get(checkout.url, true))).toMatchObject({
      kind: "serve",
      row: { id: "C" },
      exact: false,
    });
  });

  it("redirects a navigation to a URL recorded as a later page view too", () => {
    expect(decide(terms, only(URL_PAGE), get(URL_PAGE, true))).toMatchObject({
      kind: "redirect",
      pageView: { id: "P2" },
    });
  });
});
