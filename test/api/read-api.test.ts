import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { customerToken } from "../../worker/src/mask/keyed-hash.ts";
import { Customer } from "../helpers/browser-like.ts";
import { adminGet, CONSOLE, DEMO, SITE, visit } from "../helpers/visit.ts";

type SessionsPage = {
  sessions: Array<{ id: string; exchangeCount: number; device: string }>;
  nextCursor: string | null;
};
type ExchangesPage = {
  exchanges: Array<{
    id: string;
    pageView: boolean;
    request: { method: string; url: string; body: { href: string | null } };
    response: { status: number; body: { href: string | null; digest: string | null } };
    masking: { policy: string };
  }>;
  nextCursor: string | null;
};

const json = async <T>(path: string): Promise<T> => JSON.parse((await adminGet(path)).text) as T;

describe("read API", () => {
  const alice = new Customer("alice");
  const bob = new Customer("bob");

  beforeAll(async () => {
    for (const customer of [alice, bob]) {
      await customer.request("/");
      await customer.form("/login", { username: customer.name, password: `${customer.name}-pass` });
      await customer.request("/products/home-insurance");
      await customer.request("/api/quote?product=home-insurance");
    }
  });

  it("refuses requests without a credential or with a wrong one", async () => {
    const result = await visit(new Request(`${CONSOLE}/__verbatim/api/sessions`));
    expect(result.response.status).toBe(401);
    const wrong = await visit(
      new Request(`${CONSOLE}/__verbatim/api/sessions`, { headers: { authorization: "Bearer nope" } }),
    );
    expect(wrong.response.status).toBe(401);
  });

  it("says the console is disabled when VERBATIM_SECRET is not set", async () => {
    const result = await visit(
      new Request(`${CONSOLE}/__verbatim/api/sessions`, {
        headers: { authorization: `Bearer ${DEMO.support}` },
      }),
      { VERBATIM_SECRET: "", RECORDING: "off" },
    );
    expect(result.response.status).toBe(503);
    expect(result.text).toContain("VERBATIM_SECRET");
  });

  it("answers nothing on the site's origin but a minimal health status, without counters", async () => {
    const site = await visit(new Request(`${SITE}/__verbatim/health`));
    expect(site.response.status).toBe(200);
    expect(JSON.parse(site.text)).toEqual({ status: "ok", recording: true });
    for (const path of ["/__verbatim/api/health", "/__verbatim/api/sessions", "/__verbatim/"]) {
      const result = await visit(
        new Request(`${SITE}${path}`, { headers: { authorization: `Bearer ${DEMO.compliance}` } }),
      );
      expect(result.response.status, path).toBe(404);
      expect(result.text, path).not.toMatch(/session|exchange|isolate/i);
    }
  });

  it("lets ops read why on health even when ORIGIN itself is unusable", async () => {
    const result = await visit(
      new Request(`${CONSOLE}/__verbatim/api/health`, { headers: { authorization: `Bearer ${DEMO.ops}` } }),
      { ORIGIN: "ftp://nowhere" },
    );
    expect(result.response.status).toBe(200);
    const body = JSON.parse(result.text) as { status: string; configErrors: string[] };
    expect(body.status).toBe("misconfigured");
    expect(body.configErrors.join("\n")).toContain("ORIGIN must be an http(s) URL");
  });

  it("reports full health to ops on the console's host", async () => {
    const result = await adminGet("/health", DEMO.ops);
    const body = JSON.parse(result.text) as {
      status: string;
      checks: { d1: { ok: boolean }; r2: { ok: boolean } };
    };
    expect(result.response.status).toBe(200);
    expect(body.checks.d1.ok).toBe(true);
    expect(body.checks.r2.ok).toBe(true);
  });

  it("lists sessions newest first with cursor pagination", async () => {
    const first = await json<SessionsPage>("/sessions?limit=1");
    expect(first.sessions).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await json<SessionsPage>(`/sessions?limit=1&cursor=${first.nextCursor}`);
    expect(second.sessions).toHaveLength(1);
    expect(second.sessions[0]?.id).not.toBe(first.sessions[0]?.id);
    // Two sessions in all: the second page is the last one.
    expect(second.nextCursor).toBeNull();
  });

  it("finds a customer's session by the cookie their browser holds", async () => {
    const sid = alice.jar.get("shop.sid");
    const page = await json<SessionsPage>(`/sessions?cookie=${encodeURIComponent(`shop.sid=${sid}`)}`);
    expect(page.sessions).toHaveLength(1);
    expect(page.sessions[0]?.exchangeCount).toBe(alice.ids.length);
  });

  it("finds a session by the recorder cookie that named it, which needs no stored mapping", async () => {
    const sid = alice.jar.get("__verbatim_sid");
    const page = await json<SessionsPage>(`/sessions?cookie=${encodeURIComponent(`__verbatim_sid=${sid}`)}`);
    expect(page.sessions).toHaveLength(1);
    expect(page.sessions[0]?.exchangeCount).toBe(alice.ids.length);
    const mapped = await env.DB.prepare("SELECT count(*) AS n FROM session_keys WHERE cookie_name = ?")
      .bind("__verbatim_sid")
      .first<{ n: number }>();
    expect(mapped?.n).toBe(0);
  });

  it("finds a customer's sessions by their identifier, which is hashed and never stored", async () => {
    const page = await json<SessionsPage>("/sessions?customer=Alice");
    expect(page.sessions).toHaveLength(1);
    expect(page.sessions[0]?.exchangeCount).toBe(alice.ids.length);
    expect((await json<SessionsPage>("/sessions?customer=nobody")).sessions).toHaveLength(0);
  });

  it("filters sessions by time range and URL", async () => {
    expect((await json<SessionsPage>("/sessions?to=2000-01-01T00:00:00Z")).sessions).toHaveLength(0);
    expect((await json<SessionsPage>(`/sessions?from=${Date.now() - 60_000}`)).sessions).toHaveLength(2);
    expect((await json<SessionsPage>("/sessions?url=/api/quote")).sessions).toHaveLength(2);
    expect((await json<SessionsPage>("/sessions?url=/never-visited")).sessions).toHaveLength(0);
  });

  it("returns a session's exchanges in order, with links to their masked bodies", async () => {
    const sid = bob.jar.get("shop.sid");
    const session = (await json<SessionsPage>(`/sessions?cookie=${encodeURIComponent(`shop.sid=${sid}`)}`))
      .sessions[0];
    const page = await json<ExchangesPage>(`/sessions/${session?.id}/exchanges`);
    expect(page.exchanges.map((e) => `${e.request.method} ${new URL(e.request.url).pathname}`)).toEqual([
      "GET /",
      "POST /login",
      "GET /products/home-insurance",
      "GET /api/quote",
    ]);
    expect(page.exchanges.filter((e) => e.pageView).length).toBe(2);
    const login = page.exchanges[1];
    const requestBody = await adminGet(login?.request.body.href?.replace("/__verbatim/api", "") ?? "");
    const token = customerToken(env.VERBATIM_SECRET ?? "", "bob");
    expect(requestBody.text).toBe(`username=${encodeURIComponent(token)}&password=%5BREDACTED%5D`);
    const product = page.exchanges[2];
    const html = await adminGet(product?.response.body.href?.replace("/__verbatim/api", "") ?? "");
    expect(html.response.headers.get("content-type")).toContain("text/html");
    expect(html.response.headers.get("content-security-policy")).toBe("sandbox");
    expect(html.text).toContain("<html");
    expect(product?.masking.policy).toMatch(/^demo-shop-1-[0-9a-f]{16}$/);
  });

  it.each([
    ["/sessions?limit=0", 400, "limit"],
    ["/sessions?limit=abc", 400, "limit"],
    ["/sessions?from=yesterday", 400, "from"],
    ["/sessions?from=2026-11-23T00:00:00Z&to=2026-11-22T00:00:00Z", 400, "from must not be after to"],
    ["/sessions?cursor=garbage", 400, "cursor"],
    ["/sessions?cookie=novalue", 400, "cookie"],
    ["/sessions?device=toaster", 400, "device"],
    ["/sessions?errors=maybe", 400, "errors"],
    ["/sessions?customer=%20", 400, "customer"],
    ["/sessions/..%2F..%2Fetc", 400, "not a valid id"],
    ["/sessions/0123456789abcdef0123456789abcdef", 404, "no session"],
    ["/exchanges/01M8494D9J9MWAYS0H034G9S6W", 404, "no exchange"],
    ["/exchanges/01M8494D9J9MWAYS0H034G9S6W/body?part=headers", 400, "part"],
    ["/nope", 404, "no such API endpoint"],
  ])("answers %s with %i and a message naming the problem", async (path, status, message) => {
    const result = await adminGet(path);
    expect(result.response.status).toBe(status);
    expect((JSON.parse(result.text) as { error: { message: string } }).error.message).toContain(message);
  });

  it("reports a bad config on the health endpoint and keeps proxying without recording", async () => {
    const result = await visit(
      new Request(`${CONSOLE}/__verbatim/api/health`, { headers: { authorization: `Bearer ${DEMO.ops}` } }),
      {
        VERBATIM_SECRET: "short-but-sixteen!",
        COMMITMENT_SECRET: "short",
        BODY_CAP_BYTES: "lots",
        HANDOFF_BATCH_MS: "5000",
      },
    );
    const body = JSON.parse(result.text) as { status: string; configErrors: string[]; recording: boolean };
    expect(body.status).toBe("misconfigured");
    expect(body.recording).toBe(false);
    expect(body.configErrors.join("\n")).toContain("COMMITMENT_SECRET");
    expect(body.configErrors.join("\n")).toContain("BODY_CAP_BYTES");
    expect(body.configErrors.join("\n")).toContain("HANDOFF_BATCH_MS must be a whole number of milliseconds");
    const page = await visit(new Request(`${SITE}/terms`), {
      VERBATIM_SECRET: "short",
      ORIGIN: env.SHOP_ORIGIN,
    });
    expect(page.response.status).toBe(200);
  });
});
