import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { RECORDER_COOKIE } from "../../worker/src/proxy/recorder-cookie.ts";
import { exchanges } from "../helpers/archive.ts";
import { adminGet, SITE, visit } from "../helpers/visit.ts";
import { consoleGet, logIn } from "../console/support/console-client.ts";

type Links = { exchange: string; requestBody: string | null; responseBody: string | null };
type Call = { id: string; kind: string; method: string; url: string; links: Links };
type Timeline = {
  pageViews: unknown[];
  beforeFirstPageView: { calls: Call[] };
  exchangeCount: number;
  lastExchangeAt: string | null;
};

const shop = { ORIGIN: env.SHOP_ORIGIN };

/**
 * A client that never navigates, as curl or a native app: no Sec-Fetch-Dest, no HTML Accept. It keeps the
 * recorder's cookie so its calls form one session.
 */
class ApiClient {
  cookie = "";

  async send(path: string, init: RequestInit = {}): Promise<void> {
    const headers = new Headers(init.headers);
    headers.set("accept", headers.get("accept") ?? "*/*");
    headers.set("user-agent", "curl/8.5.0");
    if (this.cookie) headers.set("cookie", this.cookie);
    const result = await visit(new Request(SITE + path, { ...init, headers, redirect: "manual" }), shop);
    const set = result.response.headers.getSetCookie().find((c) => c.startsWith(`${RECORDER_COOKIE}=`));
    if (set) this.cookie = set.split(";")[0] ?? "";
  }
}

describe("a session with only API calls (no page view)", () => {
  const client = new ApiClient();
  let sessionId = "";

  beforeAll(async () => {
    await client.send("/api/quote?product=home-insurance", { headers: { accept: "application/json" } });
    await client.send("/api/cart", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ product: "home-insurance", quantity: 1 }),
    });
    // curl fetching the home page: HTML, but not asked for as a document, so not a page view either.
    await client.send("/");
    const rows = await exchanges();
    sessionId = rows.at(-1)?.session_id ?? "";
    expect(rows.filter((r) => r.session_id === sessionId).map((r) => r.page_view)).toEqual([0, 0, 0]);
  });

  it("lists every call in the timeline API, in order, with links to each stored body", async () => {
    const timeline = JSON.parse((await adminGet(`/sessions/${sessionId}/timeline`)).text) as Timeline;
    expect(timeline.pageViews).toEqual([]);
    const calls = timeline.beforeFirstPageView.calls;
    expect(calls.map((c) => [c.method, new URL(c.url).pathname, c.kind])).toEqual([
      ["GET", "/api/quote", "json"],
      ["POST", "/api/cart", "json"],
      ["GET", "/", "document"],
    ]);
    expect(calls.map((c) => c.links.requestBody === null)).toEqual([true, false, true]);
    expect(timeline.lastExchangeAt).not.toBeNull();
    for (const call of calls) {
      expect(call.links.exchange).toBe(`/__verbatim/api/exchanges/${call.id}`);
      expect(call.links.responseBody).toBe(`/__verbatim/api/exchanges/${call.id}/body?part=response`);
    }
  });

  it("serves each linked body from the archive", async () => {
    const timeline = JSON.parse((await adminGet(`/sessions/${sessionId}/timeline`)).text) as Timeline;
    const [quote, cart] = timeline.beforeFirstPageView.calls;
    const prefix = "/__verbatim/api";
    const quoteBody = await adminGet(quote?.links.responseBody?.slice(prefix.length) ?? "");
    expect(quoteBody.response.status).toBe(200);
    expect(() => JSON.parse(quoteBody.text) as unknown).not.toThrow();
    const posted = await adminGet(cart?.links.requestBody?.slice(prefix.length) ?? "");
    expect(JSON.parse(posted.text)).toEqual({ product: "home-insurance", quantity: 1 });
  });

  it("shows the calls on the console session page, says why there is no replay, and links the bodies", async () => {
    const cookie = await logIn();
    const page = await consoleGet(`/__verbatim/sessions/${sessionId}?tz=UTC`, cookie);
    expect(page.response.status).toBe(200);
    expect(page.text).toContain("0 page views");
    expect(page.text).toContain("No page views: this client never navigated to a page");
    expect(page.text).not.toContain("Replay ▸");
    const timeline = JSON.parse((await adminGet(`/sessions/${sessionId}/timeline`)).text) as Timeline;
    for (const call of timeline.beforeFirstPageView.calls) {
      expect(page.text).toContain(`id="x-${call.id}"`);
      expect(page.text).toContain(`href="${call.links.responseBody?.replace("&", "&amp;") ?? ""}"`);
    }
    // The session page reads every exchange, so it shows the exact last-seen time, not the stored one.
    expect(page.text).toMatch(/<b>Last seen<\/b>/);
  });
});
