import { requestHeaders, responseHeaders, type Destination } from "./http-headers.ts";
import { fnv1a, rng, type Rng } from "./prng.ts";

/**
 * The traffic of a mid-sized shop for the export benchmark: which requests a day's sessions make and what
 * their bodies are. Pure: session `k` of `day` is always the same plan (the bodies' bytes come from
 * body-maker.ts). The shape follows what makes an export's work: a page's HTML and its API answers are the
 * visitor's own (personalised, so stored once per page view), while stylesheets, scripts, fonts and product
 * images are the same bytes for every visitor (stored once for the site); a browser fetches the shared
 * assets once per session and then from its cache.
 */
export const HOST = "shop.example.com";
export const ORIGIN = `https://${HOST}`;

/** A body: shared (same bytes wherever `key` appears) or the visitor's own (bytes follow from `seed`). */
export type BodySpec =
  | { kind: "asset"; key: string; type: string; size: number }
  | { kind: "own"; seed: number; type: string; size: number };

export type PlannedExchange = {
  at: number;
  ttfbMs: number;
  totalMs: number;
  method: string;
  url: string;
  status: number;
  requestHeaders: Array<[string, string]>;
  responseHeaders: Array<[string, string]>;
  requestBody: BodySpec | null;
  responseBody: BodySpec | null;
};

export type SessionContext = {
  userAgent: string;
  device: "desktop" | "mobile" | "tablet";
  acceptLanguage: string;
  country: string;
  clientNetwork: string;
};

export type PlannedSession = {
  id: string;
  /** The signed-in customer's keyed token, or null (a guest). */
  customer: string | null;
  context: SessionContext;
  pageViews: PlannedExchange[][];
};

/** Loaded by the first page of a session: the site's stylesheet, scripts, fonts and chrome images. */
const SHELL: ReadonlyArray<{ path: string; type: string; size: number; dest: Destination }> = [
  { path: "/assets/app.3f9c1a.css", type: "text/css", size: 64_000, dest: "style" },
  { path: "/assets/vendor.8d21e0.js", type: "text/javascript", size: 152_000, dest: "script" },
  { path: "/assets/app.51b7c2.js", type: "text/javascript", size: 47_000, dest: "script" },
  { path: "/fonts/inter-latin-400.woff2", type: "font/woff2", size: 23_400, dest: "font" },
  { path: "/fonts/inter-latin-600.woff2", type: "font/woff2", size: 24_100, dest: "font" },
  { path: "/img/logo.svg", type: "image/svg+xml", size: 5_800, dest: "image" },
  { path: "/img/icons.svg", type: "image/svg+xml", size: 14_200, dest: "image" },
  { path: "/img/banner-winter.webp", type: "image/webp", size: 71_000, dest: "image" },
];

const PRODUCTS = 400;

type PageKind = "home" | "category" | "product" | "search" | "cart" | "account" | "confirmation";
type Api = "cart" | "recommendations" | "stock" | "search" | "orders";

/** Per page: decoded HTML size range, product thumbnails shown, API calls its script makes. */
const PAGES: Record<PageKind, { html: [number, number]; thumbs: number; apis: Api[] }> = {
  home: { html: [38_000, 62_000], thumbs: 6, apis: ["cart"] },
  category: { html: [45_000, 80_000], thumbs: 12, apis: ["cart"] },
  product: { html: [30_000, 55_000], thumbs: 4, apis: ["cart", "recommendations", "stock"] },
  search: { html: [35_000, 60_000], thumbs: 8, apis: ["cart", "search"] },
  cart: { html: [22_000, 35_000], thumbs: 2, apis: ["cart"] },
  account: { html: [18_000, 28_000], thumbs: 0, apis: ["cart", "orders"] },
  confirmation: { html: [20_000, 30_000], thumbs: 0, apis: ["cart"] },
};
const API_SIZES: Record<Api, [number, number]> = {
  cart: [250, 1_200],
  recommendations: [2_500, 6_000],
  stock: [120, 220],
  search: [3_000, 8_000],
  orders: [1_500, 4_000],
};
/** Where a visitor goes next (after the landing page). */
const NEXT: ReadonlyArray<PageKind> = ["category", "product", "search", "cart", "home", "account"];
const NEXT_WEIGHTS = [28, 40, 12, 10, 5, 5];
const LANDING: ReadonlyArray<PageKind> = ["home", "category", "product", "search"];
const LANDING_WEIGHTS = [40, 20, 35, 5];
/** Page views per session: a third bounce, a tenth browse long. */
const VIEWS = [1, 2, 3, 4, 5, 6, 8, 10, 12];
const VIEW_WEIGHTS = [34, 18, 13, 10, 8, 6, 5, 4, 2];
/** Sessions started per hour of the day (UTC), relative. */
const HOURLY = [10, 6, 4, 3, 3, 4, 8, 15, 22, 26, 28, 29, 30, 29, 28, 28, 29, 30, 32, 34, 33, 28, 21, 15];
const CLIENTS: ReadonlyArray<SessionContext & { weight: number }> = [
  {
    weight: 45,
    device: "desktop",
    userAgent:
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
    acceptLanguage: "en-GB,en;q=0.9",
    country: "GB",
    clientNetwork: "81.2.69.0/24",
  },
  {
    weight: 30,
    device: "mobile",
    userAgent:
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1",
    acceptLanguage: "fr-FR,fr;q=0.9",
    country: "FR",
    clientNetwork: "2a01:cb00:1234::/48",
  },
  {
    weight: 15,
    device: "mobile",
    userAgent:
      "Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36",
    acceptLanguage: "de-DE,de;q=0.9,en;q=0.8",
    country: "DE",
    clientNetwork: "91.64.12.0/24",
  },
  {
    weight: 10,
    device: "desktop",
    userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0",
    acceptLanguage: "en-US,en;q=0.5",
    country: "US",
    clientNetwork: "198.51.100.0/24",
  },
];

const DAY_MS = 86_400_000;
/** Sessions start early enough to end before midnight: every planned exchange is in the day. */
const LATEST_START_MS = DAY_MS - 45 * 60_000;

/** A product id, popular ones far more often (roughly Zipf). */
const product = (r: Rng) => Math.floor(PRODUCTS * r.next() ** 2.2);

export function sessionPlan(day: string, k: number): PlannedSession {
  const r = rng(fnv1a(`${day}#${k}`));
  const dayStart = Date.parse(`${day}T00:00:00Z`);
  const hour = r.weighted(
    HOURLY.map((_, h) => h),
    HOURLY,
  );
  let t = dayStart + Math.min(hour * 3_600_000 + r.int(0, 3_599_999), LATEST_START_MS);
  const client = r.weighted(
    CLIENTS,
    CLIENTS.map((c) => c.weight),
  );
  const { weight: _weight, ...context } = client;
  const session: PlannedSession = {
    id: r.hex(32),
    customer: r.next() < 0.35 ? `[hash:${rng(r.int(1, 2_000)).hex(32)}]` : null,
    context,
    pageViews: [],
  };
  const cookie = `shop.sid=[hash:${r.hex(32)}]; consent=analytics%3D0`;
  const cached = new Set<string>();
  const views = r.weighted(VIEWS, VIEW_WEIGHTS);
  let kind = r.weighted(LANDING, LANDING_WEIGHTS);
  let referer: string | null = null;
  let cartSeen = false;
  for (let v = 0; v < views; v++) {
    const page = pageUrl(kind, r);
    const exchanges: PlannedExchange[] = [];
    const add = (
      dest: Destination,
      method: string,
      url: string,
      status: number,
      response: BodySpec | null,
      request: BodySpec | null = null,
      at: number = t,
    ) => {
      const ttfbMs = dest === "document" ? r.int(60, 300) : dest === "empty" ? r.int(25, 150) : r.int(8, 60);
      const size = response?.size ?? 0;
      exchanges.push({
        at,
        ttfbMs,
        totalMs: ttfbMs + Math.round(size / r.int(2_000, 20_000)),
        method,
        url,
        status,
        requestHeaders: requestHeaders(dest, {
          method,
          ua: context.userAgent,
          language: context.acceptLanguage,
          cookie: v === 0 && dest === "document" ? null : cookie,
          referer: dest === "document" ? referer : page,
          contentType: request?.type ?? null,
          contentLength: request?.size ?? null,
        }),
        responseHeaders: responseHeaders(dest, status, at, response, r, v === 0 && dest === "document"),
        requestBody: request,
        responseBody: response,
      });
    };
    const own = (type: string, [min, max]: [number, number]): BodySpec => ({
      kind: "own",
      seed: Math.floor(r.next() * 0x7fffffff),
      type,
      size: r.int(min, max),
    });
    const html = "text/html; charset=utf-8";
    if (kind === "confirmation") {
      // The checkout form's POST answers 303 to the confirmation page.
      const form = own("application/x-www-form-urlencoded", [320, 520]);
      add("document", "POST", `${ORIGIN}/checkout`, 303, null, form);
      t += r.int(150, 400);
    }
    add("document", "GET", page, 200, own(html, PAGES[kind].html));
    let sub = t + 120;
    if (v === 0)
      for (const asset of SHELL) {
        cached.add(asset.path);
        const spec: BodySpec = { kind: "asset", key: asset.path, type: asset.type, size: asset.size };
        add(asset.dest, "GET", `${ORIGIN}${asset.path}`, 200, spec, null, (sub += r.int(2, 30)));
      }
    const images = kind === "product" ? [`/img/p/${product(r)}.webp`] : [];
    for (let i = 0; i < PAGES[kind].thumbs; i++) images.push(`/img/p/${product(r)}-thumb.webp`);
    for (const path of images) {
      if (cached.has(path)) continue;
      cached.add(path);
      const thumb = path.endsWith("-thumb.webp");
      const h = fnv1a(path);
      const size = thumb ? 4_000 + (h % 8_000) : 25_000 + (h % 65_000);
      const spec: BodySpec = { kind: "asset", key: path, type: "image/webp", size };
      add("image", "GET", `${ORIGIN}${path}`, 200, spec, null, (sub += r.int(2, 30)));
    }
    for (const api of PAGES[kind].apis) {
      const json = own("application/json; charset=utf-8", API_SIZES[api]);
      add("empty", "GET", apiUrl(api, r), 200, json, null, (sub += r.int(20, 200)));
    }
    if (kind === "product" && r.next() < 0.25) {
      const body = own("application/json", [70, 110]);
      const answer = own("application/json; charset=utf-8", API_SIZES.cart);
      add("empty", "POST", `${ORIGIN}/api/cart`, 200, answer, body, (sub += r.int(2_000, 20_000)));
    }
    session.pageViews.push(exchanges.sort((a, b) => a.at - b.at));
    cartSeen ||= kind === "cart";
    referer = page;
    t = Math.max(sub, t) + r.int(8_000, 120_000);
    kind = cartSeen && r.next() < 0.3 ? "confirmation" : r.weighted(NEXT, NEXT_WEIGHTS);
  }
  return session;
}

function pageUrl(kind: PageKind, r: Rng): string {
  switch (kind) {
    case "home":
      return `${ORIGIN}/`;
    case "category":
      return `${ORIGIN}/c/${r.pick(["coats", "knitwear", "shoes", "bags", "gifts", "sale"])}?page=${r.int(1, 4)}`;
    case "product":
      return `${ORIGIN}/p/${product(r)}`;
    case "search":
      return `${ORIGIN}/search?q=${r.pick(["wool+coat", "boots", "scarf", "gift+card", "linen"])}`;
    case "cart":
      return `${ORIGIN}/cart`;
    case "account":
      return `${ORIGIN}/account/orders`;
    case "confirmation":
      return `${ORIGIN}/order/confirmation?o=${r.int(100_000, 999_999)}`;
  }
}

function apiUrl(api: Api, r: Rng): string {
  if (api === "recommendations" || api === "stock") return `${ORIGIN}/api/${api}?product=${product(r)}`;
  if (api === "search") return `${ORIGIN}/api/search?q=${r.pick(["coat", "boot", "wool", "silk"])}&page=1`;
  return `${ORIGIN}/api/${api}`;
}
