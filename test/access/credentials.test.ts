import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ApiTokenStore } from "../../worker/src/access/api-tokens.ts";
import { parseConfig } from "../../worker/src/config/config.ts";
import type { Env } from "../../worker/src/env.ts";
import { consoleCookieOf, consoleGet, consolePost } from "../console/support/console-client.ts";
import { CONSOLE, DEMO, visit, type Visit } from "../helpers/visit.ts";

function call(
  path: string,
  init: { method?: string; token?: string; body?: unknown; ip?: string; host?: string; cookie?: string } = {},
  overrides: Partial<Env> = {},
): Promise<Visit> {
  const method = init.method ?? "GET";
  return visit(
    new Request(`${init.host ?? CONSOLE}/__verbatim/api${path}`, {
      method,
      headers: {
        "content-type": "application/json",
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.ip ? { "cf-connecting-ip": init.ip } : {}),
        ...(init.cookie ? { cookie: init.cookie } : {}),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    }),
    overrides,
  );
}

type Created = { token: string; id: string; roles: string[]; state: string; expiresAt: string };

async function createToken(roles: string[], name = "test token"): Promise<Created> {
  const result = await call("/tokens", {
    method: "POST",
    token: DEMO.admin,
    body: { name, roles, expiresInDays: 30 },
  });
  expect(result.response.status, result.text).toBe(201);
  return JSON.parse(result.text) as Created;
}

async function auditCount(action: string, target: string | null = null): Promise<number> {
  const sql = `SELECT count(*) AS n FROM audit_log WHERE action = ?${target === null ? "" : " AND target = ?"}`;
  const bound = target === null ? [action] : [action, target];
  return (
    (
      await env.DB.prepare(sql)
        .bind(...bound)
        .first<{ n: number }>()
    )?.n ?? 0
  );
}

describe("scoped API tokens", () => {
  it("are shown once at creation, listed without their secret, and grant exactly their roles", async () => {
    const created = await createToken(["support"], "nightly support export");
    expect(created.token).toMatch(/^vbt_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.roles).toEqual(["support"]);
    const list = await call("/tokens", { token: DEMO.admin });
    expect(list.text).toContain(created.id);
    expect(list.text).not.toContain(created.token.slice(17));
    const row = await new ApiTokenStore(env.DB).get(created.id);
    expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.token.slice(17));
    expect((await call("/sessions", { token: created.token })).response.status).toBe(200);
    expect((await call("/audit", { token: created.token })).response.status).toBe(403);
    expect((await call("/tokens", { token: created.token })).response.status).toBe(403);
    expect(await auditCount("token.create", created.id)).toBe(1);
  });

  it("stop working when revoked, and so do console sessions opened with them", async () => {
    const created = await createToken(["support"]);
    const login = await consolePost(
      "/__verbatim/login",
      { token: created.token, next: "/__verbatim/" },
      null,
    );
    const cookie = consoleCookieOf(login);
    expect(cookie).not.toBeNull();
    expect((await consoleGet("/__verbatim/", cookie)).response.status).toBe(200);
    const revoked = await call(`/tokens/${created.id}`, { method: "DELETE", token: DEMO.admin });
    expect(JSON.parse(revoked.text)).toMatchObject({ revoked: true, state: "revoked" });
    expect((await call("/sessions", { token: created.token })).response.status).toBe(401);
    const page = await consoleGet("/__verbatim/", cookie);
    expect(page.response.status).toBe(303);
    expect(page.response.headers.get("location")).toMatch(/^\/__verbatim\/login/);
    const again = await call(`/tokens/${created.id}`, { method: "DELETE", token: DEMO.admin });
    expect(JSON.parse(again.text)).toMatchObject({ revoked: false });
  });

  it("stop working when they expire", async () => {
    const { token, row } = await new ApiTokenStore(env.DB).create(
      { name: "expired", roles: ["support"], expiresAt: Date.now() - 1000 },
      "test",
      Date.now() - 2000,
    );
    expect((await call("/sessions", { token })).response.status).toBe(401);
    const list = JSON.parse((await call("/tokens", { token: DEMO.admin })).text) as { tokens: Created[] };
    expect(list.tokens.find((t) => t.id === row.id)?.state).toBe("expired");
  });

  it.each([
    ["no name", { roles: ["support"], expiresInDays: 1 }, '"name"'],
    ["an unknown role", { name: "x", roles: ["root"], expiresInDays: 1 }, '"roles"'],
    ["no expiry", { name: "x", roles: ["support"] }, '"expiresInDays"'],
    ["an expiry past a year", { name: "x", roles: ["support"], expiresInDays: 400 }, '"expiresInDays"'],
  ])("refuses a token request with %s", async (_name, body, message) => {
    const result = await call("/tokens", { method: "POST", token: DEMO.admin, body });
    expect(result.response.status).toBe(400);
    expect((JSON.parse(result.text) as { error: { message: string } }).error.message).toContain(message);
  });
});

describe("credentials outside local dev", () => {
  const PRODUCTION: Partial<Env> = {
    CONSOLE_HOST: "verbatim.example.net",
    REPLAY_HOST: "replay.example-replays.com",
    ADMIN_TOKEN: "dev-token",
  };
  const HOST = "https://verbatim.example.net";

  it("refuses the demo tokens and a weak break-glass secret", async () => {
    for (const token of [DEMO.support, DEMO.compliance, DEMO.admin, "dev-token"]) {
      const result = await call("/tokens", { token, host: HOST }, PRODUCTION);
      expect(result.response.status, token).toBe(401);
    }
  });

  it("accepts a strong break-glass secret, as admin only", async () => {
    const strong = { ...PRODUCTION, ADMIN_TOKEN: "Zq8v3LrT0pXw9mNc4bYh7KsJ2dFg6uAe" };
    const token = strong.ADMIN_TOKEN;
    expect((await call("/tokens", { token, host: HOST }, strong)).response.status).toBe(200);
    expect((await call("/sessions", { token, host: HOST }, strong)).response.status).toBe(403);
  });

  it("accepts API tokens", async () => {
    const created = await createToken(["compliance"]);
    const result = await call("/audit?limit=1", { token: created.token, host: HOST }, PRODUCTION);
    expect(result.response.status).toBe(200);
  });
});

describe("failed authentication", () => {
  it("is rate-limited per client: past the limit even a good credential is refused, other clients are not", async () => {
    const ip = "203.0.113.9";
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await call("/sessions", { token: `guess-${i}`, ip })).response.status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect((await call("/sessions", { token: DEMO.support, ip })).response.status).toBe(429);
    expect((await call("/sessions", { token: DEMO.support, ip: "198.51.100.4" })).response.status).toBe(200);
  });
});

describe("Cloudflare Access assertions at the door", () => {
  const ACCESS: Partial<Env> = {
    ACCESS_TEAM_DOMAIN: "https://acme.cloudflareaccess.com",
    ACCESS_AUD: "0123456789abcdef0123456789abcdef",
    ACCESS_ROLES: "support=email:agent@acme.com",
  };
  const b64 = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

  it.each([
    [
      "alg none",
      `${b64({ alg: "none", typ: "JWT" })}.${b64({ email: "agent@acme.com", aud: ACCESS.ACCESS_AUD, iss: ACCESS.ACCESS_TEAM_DOMAIN, exp: 9e9, sub: "x" })}.`,
    ],
    ["garbage", "not-a-jwt"],
  ])("refuses an assertion with %s and counts it as a failed sign-in", async (_name, jwt) => {
    const result = await visit(
      new Request(`${CONSOLE}/__verbatim/api/sessions`, { headers: { "cf-access-jwt-assertion": jwt } }),
      ACCESS,
    );
    expect(result.response.status).toBe(401);
  });
});

describe("hosts", () => {
  it.each([
    ["console.acme.com", "replay.acme.com", "share a registrable domain"],
    ["verbatim.acme.co.uk", "replays.acme.co.uk", "share a registrable domain"],
  ])("refuses CONSOLE_HOST %s with REPLAY_HOST %s", (consoleHost, replayHost, message) => {
    const result = parseConfig({ ...env, CONSOLE_HOST: consoleHost, REPLAY_HOST: replayHost } as Env);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.errors.join("\n")).toContain(message);
  });

  it.each([
    ["verbatim.acme.com", "acme-replays.com"],
    ["a.github.io", "b.github.io"],
    ["console.localhost", "replay.localhost"],
  ])("accepts CONSOLE_HOST %s with REPLAY_HOST %s", (consoleHost, replayHost) => {
    expect(parseConfig({ ...env, CONSOLE_HOST: consoleHost, REPLAY_HOST: replayHost } as Env).ok).toBe(true);
  });

  it("does not record a site on the console's registrable domain, and still proxies it", async () => {
    const result = await visit(new Request("https://shop.example.net/terms"), {
      CONSOLE_HOST: "verbatim.example.net",
      REPLAY_HOST: "replay.example-replays.com",
    });
    expect(result.response.status).toBe(200);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM record_chunks").first<{ n: number }>();
    expect(rows?.n ?? 0).toBe(0);
  });
});
