import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { customerToken } from "../../worker/src/mask/keyed-hash.ts";
import { replayUrl } from "../../worker/src/replay/replay-host.ts";
import { blobKey } from "../../worker/src/store/blob-store.ts";
import type { ExchangeRow } from "../../worker/src/record/rows.ts";
import { exchanges, tamperRecord } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { adminGet, CONSOLE, SITE, visit } from "../helpers/visit.ts";

type Call = {
  id: string;
  kind: string;
  method: string;
  url: string;
  status: number;
  failed: boolean;
  startedAt: string;
  requestFields: Array<{ name: string; value: string; maskedBy: string | null }> | null;
};
type PageView = Call & {
  timeOnPageMs: number | null;
  errorCount: number;
  maskPolicy: string;
  calls: Call[];
  assets: { count: number; failed: number };
  links: { replay: string; replayApi: string };
};
type Timeline = {
  session: { id: string };
  customerTokens: string[];
  exchangeCount: number;
  errorCount: number;
  truncated: boolean;
  beforeFirstPageView: { calls: Call[] };
  pageViews: PageView[];
};
type CustomerTimeline = {
  devices: string[];
  sessions: Array<{ session: { id: string }; device: string; timeline: Omit<Timeline, "session"> }>;
};
type Replay = {
  exchangeId: string;
  sessionId: string;
  capturedAt: string;
  maskPolicy: string;
  replayUrl: string;
  integrity: { status: string; checks: Array<{ subject: string; result: string }> };
  previous: { id: string } | null;
  next: { id: string } | null;
  events: Array<{ kind: string; url: string }>;
};

const json = async <T>(path: string): Promise<T> => JSON.parse((await adminGet(path)).text) as T;
const pathOf = (url: string) => new URL(url).pathname;

describe("timeline and replay API", () => {
  const alice = new Customer("alice");
  const bob = new Customer("bob");
  let rows: ExchangeRow[] = [];
  let aliceSession = "";

  beforeAll(async () => {
    for (const customer of [alice, bob]) {
      await customer.request("/");
      await customer.request("/static/app.js");
      await customer.form("/login", { username: customer.name, password: `${customer.name}-pass` });
      await customer.request("/products/home-insurance");
      await customer.request("/api/quote?product=home-insurance");
      await customer.request("/api/cart", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ product: "travel-insurance", quantity: 2 }),
      });
      await customer.request("/api/nope");
    }
    rows = await exchanges();
    aliceSession = rows.find((r) => r.request_headers.includes("TestBrowser/alice"))?.session_id ?? "";
  });

  it("needs the bearer token", async () => {
    const result = await visit(new Request(`${CONSOLE}/__verbatim/api/sessions/${aliceSession}/timeline`));
    expect(result.response.status).toBe(401);
  });

  it("returns a session's page views with their calls, time on page and errors", async () => {
    const timeline = await json<Timeline>(`/sessions/${aliceSession}/timeline`);
    expect(timeline.session.id).toBe(aliceSession);
    expect(timeline.customerTokens).toEqual([customerToken(env.VERBATIM_SECRET ?? "", "alice")]);
    expect(timeline.exchangeCount).toBe(alice.ids.length);
    expect(timeline.truncated).toBe(false);
    expect(timeline.pageViews.map((p) => pathOf(p.url))).toEqual(["/", "/products/home-insurance"]);
    const [home, product] = timeline.pageViews;
    expect(home?.calls.map((c) => [c.kind, c.method, pathOf(c.url)])).toEqual([["form", "POST", "/login"]]);
    expect(home?.assets).toEqual({ count: 1, failed: 0 });
    expect(home?.timeOnPageMs).toBe(Date.parse(product?.startedAt ?? "") - Date.parse(home?.startedAt ?? ""));
    expect(product?.calls.map((c) => [c.kind, c.method, pathOf(c.url), c.status])).toEqual([
      ["json", "GET", "/api/quote", 200],
      ["json", "POST", "/api/cart", 200],
      // The shop answers unknown paths with an HTML 404 page, fetched from the page: a "document" call.
      ["document", "GET", "/api/nope", 404],
    ]);
    expect(product?.errorCount).toBe(1);
    expect(timeline.errorCount).toBe(1);
    expect(product?.links.replay).toBe(`/__verbatim/replay/${product?.id}`);
    expect(product?.maskPolicy).toBe(rows.find((r) => r.id === product?.id)?.mask_policy);
  });

  it("shows request fields as stored, masked ones with their rule", async () => {
    const timeline = await json<Timeline>(`/sessions/${aliceSession}/timeline`);
    const login = timeline.pageViews[0]?.calls[0];
    expect(login?.requestFields).toEqual([
      {
        name: "username",
        value: customerToken(env.VERBATIM_SECRET ?? "", "alice"),
        maskedBy: "customer-identifier",
      },
      { name: "password", value: "[REDACTED]", maskedBy: "password" },
    ]);
    const cart = timeline.pageViews[1]?.calls[1];
    expect(cart?.requestFields).toEqual([
      { name: "product", value: "travel-insurance", maskedBy: null },
      { name: "quantity", value: "2", maskedBy: null },
    ]);
  });

  it("joins a customer's sessions and refuses a missing identifier", async () => {
    const customer = await json<CustomerTimeline>("/customers/timeline?customer=bob");
    expect(customer.sessions).toHaveLength(1);
    expect(customer.sessions[0]?.session.id).not.toBe(aliceSession);
    expect(customer.devices).toEqual(["Linux (desktop)"]);
    expect(customer.sessions[0]?.timeline.pageViews).toHaveLength(2);
    const byToken = await json<CustomerTimeline>(
      `/customers/timeline?customer_token=${encodeURIComponent(customerToken(env.VERBATIM_SECRET ?? "", "alice"))}`,
    );
    expect(byToken.sessions.map((s) => s.session.id)).toEqual([aliceSession]);
    const missing = await adminGet("/customers/timeline");
    expect(missing.response.status).toBe(400);
    expect(missing.text).toContain("customer is required");
  });

  it("gives a page view's replay URL, neighbours, events and integrity", async () => {
    const [home, product] = rows.filter((r) => r.session_id === aliceSession && r.page_view === 1);
    if (!home || !product) throw new Error("no page views");
    await env.DB.prepare(
      "INSERT INTO replay_events (at, session_id, page_view_id, kind, url) VALUES (?, ?, ?, 'not_recorded', ?)",
    )
      .bind(Date.now(), aliceSession, home.id, "https://shop.example/static/never.css")
      .run();
    const replay = await json<Replay>(`/exchanges/${home.id}/replay`);
    expect(replay).toMatchObject({
      exchangeId: home.id,
      sessionId: aliceSession,
      capturedAt: new Date(home.started_at).toISOString(),
      maskPolicy: home.mask_policy,
      previous: null,
      next: { id: product.id },
      events: [{ kind: "not_recorded", url: "https://shop.example/static/never.css" }],
    });
    // The frame URL enters the page view's replay origin with a grant (docs/replay-access.md).
    const entry = new URL(replay.replayUrl);
    expect(entry.origin).toBe(
      new URL(
        replayUrl(
          { sessionId: aliceSession, pageViewId: home.id },
          home.url,
          `${CONSOLE}/`,
          "replay.localhost",
        ),
      ).origin,
    );
    expect(entry.pathname).toBe("/__verbatim-replay/grant");
    expect(entry.searchParams.get("to")).toBe(new URL(home.url).pathname);
    expect(replay.integrity.status).toBe("verified");
    expect(replay.integrity.checks.map((c) => [c.subject, c.result])).toEqual([
      ["record", "ok"],
      ["response body", "ok"],
    ]);
  });

  it("reports a tampered row as mismatch and a deleted body as body_missing", async () => {
    const [, product] = rows.filter((r) => r.session_id === aliceSession && r.page_view === 1);
    const bobHome = rows.find((r) => r.session_id !== aliceSession && r.page_view === 1);
    await tamperRecord(product?.id ?? "", (row) => {
      row.url = "https://shop.example/other";
    });
    expect((await json<Replay>(`/exchanges/${product?.id}/replay`)).integrity.status).toBe("mismatch");
    await env.BLOBS.delete(blobKey(bobHome?.response_body_digest ?? ""));
    expect((await json<Replay>(`/exchanges/${bobHome?.id}/replay`)).integrity.status).toBe("body_missing");
  });

  it.each([
    ["/sessions/0123456789abcdef0123456789abcdef/timeline", 404, "no session"],
    ["/sessions/nope/timeline", 400, "not a valid id"],
    ["/customers/timeline?customer=%20", 400, "customer must not be empty"],
    ["/exchanges/01M8494D9J9MWAYS0H034G9S6W/replay", 404, "no exchange"],
  ])("answers %s with %i", async (path, status, message) => {
    const result = await adminGet(path);
    expect(result.response.status).toBe(status);
    expect(result.text).toContain(message);
  });

  it("refuses to replay an exchange that is not a page view", async () => {
    const quote = rows.find((r) => r.url.includes("/api/quote"));
    const result = await adminGet(`/exchanges/${quote?.id}/replay`);
    expect(result.response.status).toBe(404);
    expect(result.text).toContain("is not a page view");
  });
});
