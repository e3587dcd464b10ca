import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { CSP_REPORT_PATH } from "../../worker/src/replay/csp.ts";
import { GUARD_PATH } from "../../worker/src/replay/egress-guard.ts";
import { GRANT_COOKIE, GRANT_PATH } from "../../worker/src/replay/replay-access.ts";
import { MAX_EVENTS_PER_PAGE_VIEW, writeEvents } from "../../worker/src/replay/replay-events.ts";
import { replayLabel } from "../../worker/src/replay/replay-host.ts";
import { readStores } from "../../worker/src/store/record-reader.ts";
import type { ExchangeRow } from "../../worker/src/record/rows.ts";
import { exchanges } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { SITE, visit, type Visit } from "../helpers/visit.ts";
import { entryGrantFor, grantCookieFor, VIEWER } from "./support/replay-grants.ts";

/**
 * Who may read a replay origin: only a browser holding a grant for the session in the host, obtained from
 * the console's frame URL; and only inside a frame. Through the Worker's fetch, with a real local archive.
 */
const REPLAY_HOST = env.REPLAY_HOST ?? "replay.localhost";

type Init = { dest?: string | null; cookie?: string; method?: string; body?: string; type?: string };

function originOf(pageView: ExchangeRow): string {
  return `http://${replayLabel({ sessionId: pageView.session_id, pageViewId: pageView.id })}.${REPLAY_HOST}`;
}

function request(url: string, init: Init = {}): Promise<Visit> {
  const headers = new Headers({ accept: "*/*" });
  const dest = init.dest === undefined ? "iframe" : init.dest;
  if (dest !== null) headers.set("sec-fetch-dest", dest);
  if (init.cookie) headers.set("cookie", init.cookie);
  if (init.type) headers.set("content-type", init.type);
  return visit(
    new Request(url, { method: init.method ?? "GET", headers, body: init.body ?? null, redirect: "manual" }),
  );
}

async function eventCount(): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM replay_events").first<{ n: number }>();
  return row?.n ?? 0;
}

/** The cookie a Set-Cookie header sets, as the browser would send it back. */
function cookieOf(response: Response): string {
  const [line = ""] = response.headers.getSetCookie();
  return line.split(";")[0] ?? "";
}

function report(url: string): string {
  return JSON.stringify({ "csp-report": { "blocked-uri": url } });
}

describe("replay access", () => {
  let product: ExchangeRow;
  let terms: ExchangeRow;
  let other: ExchangeRow;

  beforeAll(async () => {
    const dave = new Customer("dave");
    await dave.request("/products/home-insurance");
    await dave.request("/terms");
    const erin = new Customer("erin");
    await erin.request("/terms");
    const rows = await exchanges();
    const find = (who: string, path: string) => {
      const row = rows.find(
        (r) =>
          r.page_view === 1 &&
          r.url === SITE + path &&
          (JSON.parse(r.request_headers) as [string, string][]).some(
            ([n, v]) => n === "x-test-id" && v.startsWith(`${who}-`),
          ),
      );
      if (!row) throw new Error(`no ${who} page view of ${path}`);
      return row;
    };
    product = find("dave", "/products/home-insurance");
    terms = find("dave", "/terms");
    other = find("erin", "/terms");
    expect(other.session_id).not.toBe(product.session_id);
  });

  it("refuses a request without a grant, saying to open the replay from the console", async () => {
    const { response, text } = await request(`${originOf(product)}/products/home-insurance`);
    expect(response.status).toBe(403);
    expect(response.headers.get("x-verbatim-replay")).toBe("no-grant");
    expect(text).toContain("Open this replay from the console");
    expect(text).not.toContain("home-insurance");
  });

  it("refuses another session's grant on this session's origin", async () => {
    const { response } = await request(`${originOf(product)}/products/home-insurance`, {
      cookie: await grantCookieFor(other.session_id),
    });
    expect(response.status).toBe(403);
  });

  it("refuses an expired grant", async () => {
    const cookie = await grantCookieFor(product.session_id, VIEWER, {
      now: Date.now() - 60_000,
      ttlMs: 30_000,
    });
    const { response } = await request(`${originOf(product)}/products/home-insurance`, { cookie });
    expect(response.status).toBe(403);
  });

  it("serves the page to a grant for its session", async () => {
    const { response } = await request(`${originOf(product)}/products/home-insurance`, {
      cookie: await grantCookieFor(product.session_id),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-verbatim-exchange")).toBe(product.id);
  });

  it("never serves a replay as a top-level page, grant or not", async () => {
    const cookie = await grantCookieFor(product.session_id);
    for (const dest of ["document", null]) {
      const { response } = await request(`${originOf(product)}/products/home-insurance`, { cookie, dest });
      expect(response.status, `Sec-Fetch-Dest ${dest}`).toBe(403);
    }
  });

  it("lets only the console frame a replay", async () => {
    const { response } = await request(`${originOf(product)}/products/home-insurance`, {
      cookie: await grantCookieFor(product.session_id),
    });
    expect(response.headers.get("content-security-policy")).toContain(
      `frame-ancestors http://${env.CONSOLE_HOST ?? "console.localhost"}`,
    );
  });

  it("trades an entry grant for a partitioned, host-only cookie and goes on to the page", async () => {
    const g = await entryGrantFor(product.session_id);
    const entry = `${originOf(product)}${GRANT_PATH}?${new URLSearchParams({ g, to: "/products/home-insurance" })}`;
    const { response } = await request(entry);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/products/home-insurance");
    const [setCookie = ""] = response.headers.getSetCookie();
    expect(setCookie.startsWith(`${GRANT_COOKIE}=c.`)).toBe(true);
    for (const attribute of ["Path=/", "HttpOnly", "Secure", "SameSite=None", "Partitioned"])
      expect(setCookie).toContain(attribute);
    expect(setCookie.toLowerCase()).not.toContain("domain=");
    expect(setCookie).toMatch(/Max-Age=(1[0-7]\d\d|1800)\b/);
    const page = await request(`${originOf(product)}/products/home-insurance`, {
      cookie: cookieOf(response),
    });
    expect(page.response.status).toBe(200);
  });

  it.each<[string, (session: string) => Promise<string>]>([
    ["another session's entry grant", () => entryGrantFor("f".repeat(32))],
    ["an expired entry grant", (session) => entryGrantFor(session, VIEWER, Date.now() - 3 * 60 * 1000)],
    [
      "a cookie grant used as an entry",
      async (session) => (await grantCookieFor(session)).split("=")[1] ?? "",
    ],
    ["no grant", async () => ""],
  ])("refuses %s at the grant endpoint and sets nothing", async (_name, token) => {
    const g = await token(product.session_id);
    const { response } = await request(
      `${originOf(product)}${GRANT_PATH}?${new URLSearchParams({ g, to: "/" })}`,
    );
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it.each([
    ["//evil.example/", "/"],
    ["https://evil.example/", "/"],
    ["/.//evil.example", "/"],
    ["/terms?x=1", "/terms?x=1"],
  ])("sends the browser only to a path on this origin: %s", async (to, location) => {
    const g = await entryGrantFor(product.session_id);
    const { response } = await request(`${originOf(product)}${GRANT_PATH}?${new URLSearchParams({ g, to })}`);
    expect(response.headers.get("location")).toBe(location);
  });

  it("keeps access across a redirect to another page view of the session", async () => {
    const cookie = await grantCookieFor(product.session_id);
    const first = await request(`${originOf(product)}/terms`, { cookie });
    expect(first.response.status).toBe(302);
    const next = new URL(first.response.headers.get("location") ?? "");
    expect(next.origin).toBe(originOf(terms));
    // The new origin holds no cookie yet: the entry grant in the URL is what lets the browser in.
    const entered = await request(next.href);
    expect(entered.response.status).toBe(303);
    const page = await request(`${originOf(terms)}${entered.response.headers.get("location") ?? ""}`, {
      cookie: cookieOf(entered.response),
    });
    expect(page.response.status).toBe(200);
    expect(page.response.headers.get("x-verbatim-exchange")).toBe(terms.id);
    // That entry grant opens only this session.
    const elsewhere = `${originOf(other)}${next.pathname}${next.search}`;
    expect((await request(elsewhere)).response.status).toBe(403);
  });

  it("serves the egress guard without a grant: it holds no data", async () => {
    const { response, text } = await request(`${originOf(product)}${GUARD_PATH}`, { dest: "script" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("javascript");
    expect(text).toContain("RTCPeerConnection");
  });

  it("refuses CSP reports and not-recorded requests without a grant, and writes nothing", async () => {
    const before = await eventCount();
    const reported = await request(`${originOf(product)}${CSP_REPORT_PATH}`, {
      method: "POST",
      dest: "report",
      type: "application/csp-report",
      body: report("https://cdn.example/x.js"),
    });
    expect(reported.response.status).toBe(403);
    const missing = await request(`${originOf(product)}/never-recorded`, { dest: "empty" });
    expect(missing.response.status).toBe(403);
    expect(await eventCount()).toBe(before);
  });

  it("writes a CSP report sent with a grant", async () => {
    const before = await eventCount();
    const { response } = await request(`${originOf(product)}${CSP_REPORT_PATH}`, {
      method: "POST",
      dest: "report",
      type: "application/csp-report",
      body: report("https://cdn.example/x.js"),
      cookie: await grantCookieFor(product.session_id),
    });
    expect(response.status).toBe(204);
    expect(await eventCount()).toBe(before + 1);
  });

  it("rate-limits events per grant (EVENT_LIMIT)", async () => {
    expect(env.EVENT_LIMIT).toBeDefined();
    const cookie = await grantCookieFor(terms.session_id, "flood@example.com");
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const { response } = await request(`${originOf(terms)}${CSP_REPORT_PATH}`, {
        method: "POST",
        dest: "report",
        type: "application/csp-report",
        body: report(`https://cdn.example/${i}.js`),
        cookie,
      });
      statuses.push(response.status);
    }
    expect(statuses).toContain(429);
    const written = await env.DB.prepare("SELECT COUNT(*) AS n FROM replay_events WHERE page_view_id = ?")
      .bind(terms.id)
      .first<{ n: number }>();
    expect(written?.n ?? 0).toBe(statuses.filter((s) => s === 204).length);
    // Another viewer's grant has a limit of its own.
    const { response } = await request(`${originOf(terms)}${CSP_REPORT_PATH}`, {
      method: "POST",
      dest: "report",
      type: "application/csp-report",
      body: report("https://cdn.example/other.js"),
      cookie: await grantCookieFor(terms.session_id, "someone-else@example.com"),
    });
    expect(response.status).toBe(204);
  });

  it("caps the events one page view keeps", async () => {
    const target = { sessionId: "a".repeat(32), pageViewId: "0".repeat(26) };
    const event = (i: number) => ({
      at: i,
      session_id: target.sessionId,
      page_view_id: target.pageViewId,
      kind: "blocked" as const,
      url: `https://cdn.example/${i}`,
    });
    const stores = readStores(env);
    const firstBatch = Array.from({ length: MAX_EVENTS_PER_PAGE_VIEW - 1 }, (_, i) => event(i));
    expect(await writeEvents(stores, target, firstBatch)).toBe(MAX_EVENTS_PER_PAGE_VIEW - 1);
    expect(await writeEvents(stores, target, [event(1000), event(1001)])).toBe(1);
    expect(await writeEvents(stores, target, [event(1002)])).toBe(0);
  });
});
