import { env } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from "vitest";
import { gzipSync } from "fflate";
import { GUARD_TAG, withEgressGuard } from "../../worker/src/replay/egress-guard.ts";
import { GRANT_PATH } from "../../worker/src/replay/replay-access.ts";
import { replayUrl } from "../../worker/src/replay/replay-host.ts";
import { rewriteBody } from "../../worker/src/replay/rewrite-body.ts";
import { siteOriginOf } from "../../worker/src/replay/site-origin.ts";
import { blobKey } from "../../worker/src/store/blob-store.ts";
import type { ReplayEventRow } from "../../worker/src/store/replay-reader.ts";
import type { ExchangeRow } from "../../worker/src/record/rows.ts";
import { blob, exchanges } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { sameBytes, SITE, visit, type Visit } from "../helpers/visit.ts";
import { grantCookieFor } from "./support/replay-grants.ts";

const REPLAY_HOST = env.REPLAY_HOST ?? "replay.localhost";
const STATIC = [
  "/static/site.css",
  "/static/theme.css",
  "/static/app.js",
  "/static/img/logo.svg",
  "/static/img/product.png",
];
const cartBody = (quantity: number) => JSON.stringify({ product: "home-insurance", quantity });

/** A page recorded through the edge origin's /mirror, with absolute URLs to the site in every rewritable place. */
const MIRRORED = `<!doctype html><html><head>
<link rel="stylesheet" href="https://shop.example/static/site.css">
<style>@import "https://shop.example/static/theme.css"; h1 { background: url(https://shop.example/static/img/product.png) }</style>
<script src="https://cdn.example/tracker.js"></script>
</head><body>
<a href="https://shop.example/terms">Terms</a> <a href="https://other.example/">elsewhere</a>
<img src="https://shop.example/static/img/product.png" srcset="https://shop.example/static/img/product.png 1x, https://shop.example/static/img/product@2x.png 2x">
<p style="background:url('https://shop.example/static/img/logo.svg')">Seen at https://shop.example/terms</p>
</body></html>`;

type Recorded = {
  login: ExchangeRow;
  product1: ExchangeRow;
  terms: ExchangeRow;
  product2: ExchangeRow;
  mirror: ExchangeRow;
  aliceSession: string;
};

function testId(row: ExchangeRow): string {
  return (JSON.parse(row.request_headers) as [string, string][]).find(([n]) => n === "x-test-id")?.[1] ?? "";
}

function one(rows: ExchangeRow[], who: string, test: (row: ExchangeRow) => boolean): ExchangeRow {
  const found = rows.filter((row) => testId(row).startsWith(`${who}-`) && test(row));
  if (found.length !== 1) throw new Error(`expected one ${who} exchange, found ${found.length}`);
  const [row] = found;
  if (!row) throw new Error("unreachable");
  return row;
}

const responses: Response[] = [];

/** Sends one request to a page view's replay origin through the Worker, as the support agent's browser would. */
async function replay(
  pageView: ExchangeRow,
  path: string,
  init: { method?: string; dest?: string; accept?: string; body?: string; type?: string } = {},
): Promise<Visit> {
  const url = replayUrl(
    { sessionId: pageView.session_id, pageViewId: pageView.id },
    SITE + path,
    "http://127.0.0.1/",
    REPLAY_HOST,
  );
  return replayAt(url, init);
}

/** The page view's replay origin, which replayed scripts' URLs to the site name. */
function replayOrigin(pageView: ExchangeRow): string {
  const url = replayUrl(
    { sessionId: pageView.session_id, pageViewId: pageView.id },
    SITE,
    "http://127.0.0.1/",
    REPLAY_HOST,
  );
  return new URL(url).origin;
}

/**
 * A request as the support agent's browser sends it inside the console's frame: with the grant cookie for
 * the session named in the host (replay-access.test.ts covers requests without one).
 */
async function replayAt(
  url: string,
  init: { method?: string; dest?: string; accept?: string; body?: string; type?: string } = {},
): Promise<Visit> {
  const headers = new Headers({ "sec-fetch-dest": init.dest ?? "empty", accept: init.accept ?? "*/*" });
  const session = /^https?:\/\/([0-9a-f]{32})--/.exec(url)?.[1];
  if (session) headers.set("cookie", await grantCookieFor(session));
  if (init.type) headers.set("content-type", init.type);
  const request = new Request(url, {
    method: init.method ?? "GET",
    headers,
    body: init.body ?? null,
    redirect: "manual",
  });
  const result = await visit(request);
  responses.push(result.response);
  return result;
}

async function events(): Promise<ReplayEventRow[]> {
  const { results } = await env.DB.prepare("SELECT * FROM replay_events ORDER BY id").all<ReplayEventRow>();
  return results;
}

describe("replay of recorded page views", () => {
  const alice = new Customer("alice");
  const bob = new Customer("bob");
  const carol = new Customer("carol");
  let rec: Recorded;
  let fetchSpy: MockInstance<typeof fetch>;

  beforeAll(async () => {
    await alice.request("/login");
    const assets = new Map<string, string>();
    for (const path of [...STATIC, "/static/fonts/inter-400.woff2"]) {
      assets.set(path, (await alice.request(path)).response.headers.get("etag") ?? "");
    }
    await alice.form("/login", { username: "alice", password: "alice-pass" });
    await alice.request("/products/home-insurance");
    await alice.request("/api/quote?product=home-insurance");
    await alice.request("/api/cart");
    const json = { "content-type": "application/json" };
    await alice.request("/api/cart", { method: "POST", headers: json, body: cartBody(1) });
    await alice.request("/api/cart", { method: "POST", headers: json, body: cartBody(2) });
    await alice.request("/terms");
    // The browser revalidates its cached stylesheet: the origin answers 304 and the session records no body.
    const revalidated = await alice.request("/static/site.css", {
      headers: { "if-none-match": assets.get("/static/site.css") ?? "" },
    });
    expect(revalidated.response.status).toBe(304);
    await alice.request("/products/home-insurance");
    await alice.request("/api/cart");

    await bob.request("/");
    await bob.request("/static/site.css");
    await bob.request("/static/img/product@2x.png");
    await bob.form("/login", { username: "bob", password: "bob-pass" });
    await bob.request("/api/account");

    await carol.request(
      "/mirror",
      { method: "POST", headers: { "x-mirror-type": "text/html; charset=utf-8" }, body: MIRRORED },
      { ORIGIN: env.EDGE_ORIGIN },
    );

    const rows = await exchanges();
    const pageViews = (who: string, path: string) =>
      rows.filter((r) => testId(r).startsWith(`${who}-`) && r.page_view === 1 && r.url === SITE + path);
    const [product1, product2] = pageViews("alice", "/products/home-insurance");
    const [terms] = pageViews("alice", "/terms");
    const [login] = pageViews("alice", "/login");
    const mirror = one(rows, "carol", (r) => r.url.endsWith("/mirror"));
    if (!product1 || !product2 || !terms || !login) throw new Error("alice's page views were not recorded");
    rec = { login, product1, terms, product2, mirror, aliceSession: product1.session_id };
    // From here on nothing may reach the network: replay answers from the archive alone.
    fetchSpy = vi.spyOn(globalThis, "fetch");
  });

  afterAll(() => fetchSpy.mockRestore());

  it("serves a recorded page as stored, decoded, on its own origin, with the egress guard first", async () => {
    const { response, body, text } = await replay(rec.product1, "/products/home-insurance", {
      dest: "iframe",
    });
    expect(response.status).toBe(200);
    const stored = new TextDecoder("latin1").decode(await blob(rec.product1.response_body_digest));
    expect(new TextDecoder("latin1").decode(body)).toBe(withEgressGuard(stored));
    expect(text.split(GUARD_TAG)).toHaveLength(2);
    expect(response.headers.get("content-type")).toBe(rec.product1.content_type);
    expect(response.headers.get("content-encoding")).toBeNull();
    expect(response.headers.get("x-verbatim-exchange")).toBe(rec.product1.id);
    expect(response.headers.get("x-verbatim-replay")).toBe("recorded");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(new TextDecoder().decode(body)).toContain("Log out Alice");
  });

  it("rewrites only absolute URLs to the site, leaving every other byte as recorded", async () => {
    const { response, text } = await replay(rec.mirror, "/mirror", { dest: "iframe" });
    expect(response.status).toBe(200);
    const stored = await blob(rec.mirror.response_body_digest);
    expect(new TextDecoder().decode(stored)).toBe(MIRRORED);
    const expected = MIRRORED.replace(
      /(href="|src="|url\(|url\('|@import "|, )https:\/\/shop\.example\//g,
      "$1/",
    ).replace(`srcset="https://shop.example/`, `srcset="/`);
    expect(text).toBe(withEgressGuard(expected));
    expect(text).toContain("Seen at https://shop.example/terms");
    expect(text).toContain(`src="https://cdn.example/tracker.js"`);
    expect(
      sameBytes(
        rewriteBody(stored, rec.mirror.content_type, siteOriginOf(rec.mirror.url), replayOrigin(rec.mirror)),
        new TextEncoder().encode(text),
      ),
    ).toBe(true);
  });

  it("answers the page's JSON calls from the recording, nearest after the page view", async () => {
    const quote = await replay(rec.product1, "/api/quote?product=home-insurance", {
      accept: "application/json",
    });
    expect(quote.response.status).toBe(200);
    expect(quote.response.headers.get("x-verbatim-match")).toBe("exact");
    expect(JSON.parse(quote.text)).toMatchObject({ product: "home-insurance", firstName: "Alice" });

    const first = await replay(rec.product1, "/api/cart");
    const second = await replay(rec.product2, "/api/cart");
    expect(JSON.parse(first.text)).toMatchObject({ count: 0 });
    expect(JSON.parse(second.text)).toMatchObject({ count: 3 });
  });

  it("matches posts by their masked body, else by method and URL", async () => {
    const post = (quantity: number) =>
      replay(rec.product1, "/api/cart", {
        method: "POST",
        body: cartBody(quantity),
        type: "application/json",
      });
    const q1 = await post(1);
    const q2 = await post(2);
    const q5 = await post(5);
    expect([JSON.parse(q1.text).count, JSON.parse(q2.text).count]).toEqual([1, 3]);
    expect(q1.response.headers.get("x-verbatim-match")).toBe("exact");
    expect(JSON.parse(q5.text)).toMatchObject({ count: 1 });
    expect(q5.response.headers.get("x-verbatim-match")).toBe("method-url");
  });

  it("answers a replayed login form with the recorded redirect, comparing the masked form", async () => {
    const result = await replay(rec.login, "/login", {
      method: "POST",
      dest: "iframe",
      type: "application/x-www-form-urlencoded",
      body: "username=alice&password=anything-at-all",
    });
    expect(result.response.status).toBe(303);
    expect(result.response.headers.get("location")).toBe("/products/home-insurance");
    expect(result.response.headers.get("x-verbatim-match")).toBe("exact");
  });

  it("redirects a navigation to another recorded page view to that page view's origin, with a grant", async () => {
    const { response } = await replay(rec.product1, "/terms", { dest: "iframe" });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "");
    const terms = new URL(
      replayUrl(
        { sessionId: rec.aliceSession, pageViewId: rec.terms.id },
        rec.terms.url,
        "http://127.0.0.1/",
        REPLAY_HOST,
      ),
    );
    expect(location.origin).toBe(terms.origin);
    expect(location.pathname).toBe(GRANT_PATH);
    expect(location.searchParams.get("to")).toBe("/terms");
    expect(location.searchParams.get("g")).toMatch(/^e\./);
  });

  it("serves the body a recorded 304 revalidated", async () => {
    const { response, body } = await replay(rec.terms, "/static/site.css", { dest: "style" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-verbatim-replay")).toBe("revalidated");
    const css = (await exchanges()).find((r) => r.id === response.headers.get("x-verbatim-body-from"));
    expect(css?.status).toBe(200);
    expect(sameBytes(body, await blob(css?.response_body_digest ?? null))).toBe(true);
    expect(response.headers.get("content-type")).toContain("text/css");
  });

  it("serves an asset the session never requested from a shareable capture in the archive", async () => {
    const { response, body } = await replay(rec.product1, "/static/img/product@2x.png", { dest: "image" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-verbatim-replay")).toBe("shared-capture");
    const bobs = one(await exchanges(), "bob", (r) => r.url.endsWith("/product@2x.png"));
    expect(response.headers.get("x-verbatim-exchange")).toBe(bobs.id);
    expect(sameBytes(body, await blob(bobs.response_body_digest))).toBe(true);

    const css = await replay(rec.mirror, "/static/site.css", { dest: "style" });
    expect(css.response.headers.get("x-verbatim-replay")).toBe("shared-capture");
  });

  it("never serves another customer's personal response", async () => {
    const { response, text } = await replay(rec.product1, "/api/account", { accept: "application/json" });
    expect(response.status).toBe(404);
    expect(response.headers.get("x-verbatim-replay")).toBe("not-recorded");
    expect(text).not.toContain("balance");
    expect(JSON.parse(text)).toMatchObject({ error: { title: "Not recorded in this session" } });
  });

  it("says clearly when a page was not recorded in this session, and logs it", async () => {
    const before = (await events()).length;
    const { response, text } = await replay(rec.product1, "/apply?product=home-insurance", {
      dest: "iframe",
    });
    expect(response.status).toBe(404);
    expect(response.headers.get("x-verbatim-replay")).toBe("not-recorded");
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(text).toContain("not recorded in this session");
    expect(text).toContain(`href="/products/home-insurance"`);
    const logged = (await events()).slice(before);
    expect(logged).toEqual([
      expect.objectContaining({
        kind: "not_recorded",
        session_id: rec.aliceSession,
        page_view_id: rec.product1.id,
        url: `${SITE}/apply?product=home-insurance`,
      }),
    ]);
  });

  it("lists URLs the CSP blocked, masked", async () => {
    const before = (await events()).length;
    const report = { "csp-report": { "blocked-uri": "https://cdn.example/pixel.gif?token=abc123&page=1" } };
    const { response } = await replay(rec.mirror, "/__verbatim-replay/csp-report", {
      method: "POST",
      type: "application/csp-report",
      body: JSON.stringify(report),
    });
    expect(response.status).toBe(204);
    const logged = (await events()).slice(before);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ kind: "blocked", page_view_id: rec.mirror.id });
    expect(logged[0]?.url).toContain("https://cdn.example/pixel.gif?token=");
    expect(logged[0]?.url).not.toContain("abc123");
  });

  it.each([
    [
      "an unknown session",
      () => `http://${"0".repeat(32)}--${rec.product1.id.toLowerCase()}.${REPLAY_HOST}/`,
      404,
      "Unknown session",
    ],
    [
      "an unknown page view",
      () => `http://${rec.aliceSession}--${"0".repeat(26)}.${REPLAY_HOST}/`,
      404,
      "Unknown page view",
    ],
    [
      "a label that is not a replay label",
      () => `http://nothing-here.${REPLAY_HOST}/`,
      400,
      "Not a replay origin",
    ],
    ["the bare replay host", () => `http://${REPLAY_HOST}/`, 400, "Not a replay origin"],
  ])("answers %s with a clear page", async (_name, url, status, title) => {
    const { response, text } = await replayAt(url(), { dest: "iframe" });
    expect(response.status).toBe(status);
    expect(text).toContain(title);
  });

  it.each([
    ["dot-dot with an encoded slash", "/static/..%2f..%2fwrangler.toml"],
    ["double-encoded dots", "/static/%252e%252e/%252e%252e/secret"],
    ["an encoded NUL", "/static/site.css%00.png"],
    ["overlong UTF-8 dots", "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd"],
    ["a broken escape", "/static/%zz"],
  ])("refuses %s with 400", async (_name, path) => {
    const before = (await events()).length;
    const { response, text } = await replay(rec.product1, path, { dest: "iframe" });
    expect(response.status).toBe(400);
    expect(text).toContain("Bad replay URL");
    expect((await events()).length).toBe(before);
  });

  it("answers HEAD with the recorded headers and no body", async () => {
    const { response, body } = await replay(rec.product1, "/api/quote?product=home-insurance", {
      method: "HEAD",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(body.byteLength).toBe(0);
  });

  it("refuses to install a service worker on a replay origin", async () => {
    const url = replayUrl(
      { sessionId: rec.product1.session_id, pageViewId: rec.product1.id },
      `${SITE}/static/app.js`,
      "http://127.0.0.1/",
      REPLAY_HOST,
    );
    const request = new Request(url, {
      headers: {
        "service-worker": "script",
        "sec-fetch-dest": "serviceworker",
        cookie: await grantCookieFor(rec.product1.session_id),
      },
    });
    const { response } = await visit(request);
    responses.push(response);
    expect(response.status).toBe(404);
    expect(response.headers.get("x-verbatim-replay")).toBe("refused");
  });

  it("never shows a body that no longer matches its digest", async () => {
    const digest = rec.mirror.response_body_digest ?? "";
    await env.BLOBS.put(
      blobKey(digest),
      gzipSync(new TextEncoder().encode("<p>edited after recording</p>")),
      {
        customMetadata: { encoding: "gzip", size: "29" },
      },
    );
    const { response, text } = await replay(rec.mirror, "/mirror", { dest: "iframe" });
    expect(response.status).toBe(502);
    expect(response.headers.get("x-verbatim-replay")).toBe("integrity-failed");
    expect(text).toContain("failed its integrity check");
    expect(text).not.toContain("edited after recording");
  });

  it("never sets a recorded cookie, always sends the replay CSP, and never asked the network", () => {
    expect(responses.length).toBeGreaterThan(20);
    for (const response of responses) {
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(response.headers.get("content-security-policy") ?? "").toContain("default-src 'self'");
    }
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
