import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { exchanges } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { CONSOLE, DEMO, visit, type Visit } from "../helpers/visit.ts";
import { consoleGet, logIn } from "../console/support/console-client.ts";
import { checkoutForm } from "../helpers/cards.ts";

type Entry = {
  seq: number;
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
};

function api(path: string, token: string, init: { method?: string; body?: unknown } = {}): Promise<Visit> {
  return visit(
    new Request(`${CONSOLE}/__verbatim/api${path}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    }),
  );
}

async function entries(): Promise<Entry[]> {
  const { results } = await env.DB.prepare(
    "SELECT seq, actor, action, target, detail FROM audit_log ORDER BY seq",
  ).all<{ seq: number; actor: string; action: string; target: string | null; detail: string }>();
  return results.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}

/** What one request added to the audit log. */
async function added(request: () => Promise<Visit>): Promise<{ result: Visit; added: Entry[] }> {
  const before = (await entries()).length;
  const result = await request();
  return { result, added: (await entries()).slice(before) };
}

describe("audit trail", () => {
  let sessionId = "";
  let pageId = "";
  let checkoutId = "";
  let consoleCookie = "";

  beforeAll(async () => {
    const alice = new Customer("alice");
    await alice.request("/products/home-insurance");
    await alice.form("/checkout", checkoutForm());
    const rows = await exchanges();
    const page = rows.find((r) => r.url.endsWith("/products/home-insurance"));
    sessionId = page?.session_id ?? "";
    pageId = page?.id ?? "";
    checkoutId = rows.find((r) => r.method === "POST")?.id ?? "";
    consoleCookie = await logIn(DEMO.compliance);
  });

  const LOOKS: ReadonlyArray<
    readonly [string, string, () => { run: () => Promise<Visit>; target: string | null }]
  > = [
    [
      "searches sessions (API)",
      "search",
      () => ({ run: () => api("/sessions?device=desktop", DEMO.support), target: null }),
    ],
    [
      "opens a session (API)",
      "session.view",
      () => ({ run: () => api(`/sessions/${sessionId}`, DEMO.support), target: sessionId }),
    ],
    [
      "lists a session's exchanges",
      "session.view",
      () => ({ run: () => api(`/sessions/${sessionId}/exchanges`, DEMO.support), target: sessionId }),
    ],
    [
      "opens a timeline",
      "session.view",
      () => ({ run: () => api(`/sessions/${sessionId}/timeline`, DEMO.support), target: sessionId }),
    ],
    [
      "opens an exchange",
      "exchange.view",
      () => ({ run: () => api(`/exchanges/${pageId}`, DEMO.support), target: pageId }),
    ],
    [
      "reads a body",
      "body.view",
      () => ({ run: () => api(`/exchanges/${pageId}/body`, DEMO.support), target: pageId }),
    ],
    [
      "opens a customer's sessions",
      "customer.view",
      () => ({ run: () => api("/customers/timeline?customer=alice", DEMO.support), target: null }),
    ],
    [
      "opens a replay (API)",
      "replay.open",
      () => ({ run: () => api(`/exchanges/${pageId}/replay`, DEMO.support), target: pageId }),
    ],
    [
      "asks for a proof",
      "prove",
      () => ({
        run: () =>
          api(`/exchanges/${checkoutId}/prove`, DEMO.compliance, {
            method: "POST",
            body: { value: "4242 4242 4242 4242" },
          }),
        target: checkoutId,
      }),
    ],
    [
      "reads the audit log",
      "audit.read",
      () => ({ run: () => api("/audit?limit=5", DEMO.compliance), target: null }),
    ],
    [
      "exports the audit log",
      "audit.export",
      () => ({ run: () => api("/audit/export", DEMO.compliance), target: null }),
    ],
    [
      "searches in the console",
      "search",
      () => ({ run: () => consoleGet("/__verbatim/?tz=UTC", consoleCookie), target: null }),
    ],
    [
      "opens a session page",
      "session.view",
      () => ({
        run: () => consoleGet(`/__verbatim/sessions/${sessionId}?tz=UTC`, consoleCookie),
        target: sessionId,
      }),
    ],
    [
      "opens a replay page",
      "replay.open",
      () => ({ run: () => consoleGet(`/__verbatim/replay/${pageId}?tz=UTC`, consoleCookie), target: pageId }),
    ],
  ];

  it.each(LOOKS)("writes exactly one %s entry when support %s", async (_what, action, make) => {
    const { run, target } = make();
    const { result, added: written } = await added(run);
    expect(result.response.status, result.text.slice(0, 200)).toBeLessThan(400);
    expect(written).toHaveLength(1);
    expect(written[0]?.action).toBe(action);
    if (target !== null) expect(written[0]?.target).toBe(target);
    expect(written[0]?.actor).toMatch(/^demo:(support|compliance)$/);
  });

  it("writes exactly one entry when a token is created and when it is revoked, and never the token", async () => {
    const create = await added(() =>
      api("/tokens", DEMO.admin, {
        method: "POST",
        body: { name: "audit test", roles: ["ops"], expiresInDays: 1 },
      }),
    );
    const created = JSON.parse(create.result.text) as { token: string; id: string };
    expect(create.added.map((e) => [e.action, e.target])).toEqual([["token.create", created.id]]);
    expect(JSON.stringify(create.added)).not.toContain(created.token.slice(17));
    const revoke = await added(() => api(`/tokens/${created.id}`, DEMO.admin, { method: "DELETE" }));
    expect(revoke.added.map((e) => [e.action, e.target])).toEqual([["token.revoke", created.id]]);
  });

  it("keeps a customer's identifier out of the log: searches are written as the keyed hash compared", async () => {
    const { added: written } = await added(() => api("/sessions?customer=alice@example.com", DEMO.support));
    expect(JSON.stringify(written)).not.toContain("alice@example.com");
    expect(String(written[0]?.detail.customerToken)).toMatch(/^\[hash:[0-9a-f]{32}\]$/);
  });

  it("takes a burst of looks at once: each served, each written once, in one chain", async () => {
    const before = (await entries()).length;
    const looks = await Promise.all(
      Array.from({ length: 200 }, () => api(`/exchanges/${pageId}`, DEMO.support)),
    );
    expect(looks.map((l) => l.response.status).filter((s) => s !== 200)).toEqual([]);
    const after = await entries();
    expect(after.length - before).toBe(200);
    expect(after.map((e) => e.seq)).toEqual(after.map((_, i) => i + 1));
    const verified = JSON.parse((await api("/audit/verify", DEMO.compliance)).text) as { ok: boolean };
    expect(verified.ok).toBe(true);
  });

  it("shows compliance the log in the console, filtered, verified on request, and exports it", async () => {
    const page = await added(() => consoleGet("/__verbatim/audit?action=session.view&tz=UTC", consoleCookie));
    expect(page.result.response.status).toBe(200);
    expect(page.added.map((e) => e.action)).toEqual(["audit.read"]);
    expect(page.result.text).toContain(sessionId);
    expect(page.result.text).toContain("Verify the whole chain");
    const verified = await consoleGet("/__verbatim/audit?verify=1&tz=UTC", consoleCookie);
    expect(verified.text).toContain("Chain verified through entry");
    const href = /href="(\/__verbatim\/api\/audit\/export[^"]*)"/
      .exec(verified.text)?.[1]
      ?.replace(/&amp;/g, "&");
    const exported = await consoleGet(href ?? "", consoleCookie);
    expect(exported.response.status).toBe(200);
    expect(exported.text.trim().split("\n").length).toBeGreaterThan(10);
    const support = await logIn(DEMO.support);
    expect((await consoleGet("/__verbatim/audit", support)).response.status).toBe(403);
  });

  it("writes exactly one entry for a credential that fails, without the credential", async () => {
    const { result, added: written } = await added(() =>
      api("/sessions", "vbt_0123456789ab_not-a-real-secret"),
    );
    expect(result.response.status).toBe(401);
    expect(written.map((e) => [e.action, e.actor, e.detail])).toEqual([
      ["auth.failed", "anonymous", { how: "bearer", limited: false }],
    ]);
    expect(JSON.stringify(written)).not.toContain("not-a-real-secret");
  });

  it("keeps a card number typed into a search box out of the log", async () => {
    const { added: written } = await added(() =>
      api(`/sessions?url=${encodeURIComponent("4111 1111 1111 1111")}`, DEMO.support),
    );
    expect(written).toHaveLength(1);
    expect(JSON.stringify(written)).not.toMatch(/4111 ?1111 ?1111 ?1111/);
  });

  it("cannot be edited or deleted, and an edit made behind its back is detected", async () => {
    const verified = JSON.parse((await api("/audit/verify", DEMO.compliance)).text) as { ok: boolean };
    expect(verified.ok).toBe(true);
    await expect(env.DB.prepare("UPDATE audit_log SET actor = 'nobody' WHERE seq = 1").run()).rejects.toThrow(
      /append-only/,
    );
    await expect(env.DB.prepare("DELETE FROM audit_log WHERE seq = 2").run()).rejects.toThrow(/append-only/);
    // Someone with direct database access drops the trigger and rewrites what one person did.
    await env.DB.prepare("DROP TRIGGER IF EXISTS audit_log_no_update").run();
    const triggers = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log' AND sql LIKE '%UPDATE%'",
    ).all<{ name: string }>();
    for (const { name } of triggers.results) await env.DB.prepare(`DROP TRIGGER "${name}"`).run();
    await env.DB.prepare("UPDATE audit_log SET target = 'someone-else' WHERE seq = 3").run();
    const after = JSON.parse((await api("/audit/verify", DEMO.compliance)).text) as {
      ok: boolean;
      seq?: number;
    };
    expect(after).toMatchObject({ ok: false, seq: 3 });
  });
});
