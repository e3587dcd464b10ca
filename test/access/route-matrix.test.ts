import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { VerbatimError } from "../../worker/src/errors/verbatim-error.ts";
import type { AccessEnv } from "../../worker/src/front/access-env.ts";
import { consoleHost } from "../../worker/src/console-host.ts";
import {
  accessOf,
  denyUndeclared,
  route,
  unwrapped,
  type RouteAccess,
} from "../../worker/src/front/route-access.ts";
import { CONSOLE, DEMO, visit, type Visit } from "../helpers/visit.ts";

/**
 * The documented allow/deny matrix (README "Access by function"): every console page and API route on the
 * console's host with the role it needs. The router is walked, so a route added without a role, or with a
 * role this table does not document, fails here before it ships.
 */
const DOCUMENTED: Readonly<Record<string, RouteAccess>> = {
  "GET /": "public",
  "GET /__verbatim": "public",
  "GET /__verbatim/assets/console.css": "public",
  "GET /__verbatim/assets/console.js": "public",
  "GET /__verbatim/login": "public",
  "POST /__verbatim/login": "public",
  "POST /__verbatim/logout": "public",
  "GET /__verbatim/": "support",
  "POST /__verbatim/search": "support",
  "GET /__verbatim/sessions/:id": "support",
  "GET /__verbatim/customers": "support",
  "GET /__verbatim/replay/:id": "support",
  "GET /__verbatim/audit": "compliance",
  "GET /__verbatim/exports": "compliance",
  "POST /__verbatim/exports": "compliance",
  "GET /__verbatim/exports/:id": "compliance",
  "GET /__verbatim/evidence": "compliance",
  "POST /__verbatim/evidence/heads": "compliance",
  "GET /__verbatim/holds": "compliance",
  "POST /__verbatim/holds": "compliance",
  "POST /__verbatim/holds/:id/lift": "compliance",
  "GET /__verbatim/api/health": "ops",
  "GET /__verbatim/api/config": "ops",
  "GET /__verbatim/api/policy": "ops",
  "GET /__verbatim/api/sessions": "support",
  "GET /__verbatim/api/sessions/:id": "support",
  "GET /__verbatim/api/sessions/:id/exchanges": "support",
  "GET /__verbatim/api/exchanges/:id": "support",
  "GET /__verbatim/api/exchanges/:id/body": "support",
  "GET /__verbatim/api/sessions/:id/timeline": "support",
  "GET /__verbatim/api/customers/timeline": "support",
  "GET /__verbatim/api/exchanges/:id/replay": "support",
  "POST /__verbatim/api/exchanges/:id/prove": "compliance",
  "POST /__verbatim/api/exchanges/:id/reveal": "compliance",
  "GET /__verbatim/api/tokens": "admin",
  "POST /__verbatim/api/tokens": "admin",
  "DELETE /__verbatim/api/tokens/:id": "admin",
  "GET /__verbatim/api/audit": "compliance",
  "GET /__verbatim/api/audit/export": "compliance",
  "GET /__verbatim/api/audit/verify": "compliance",
  "GET /__verbatim/api/evidence/keys": "public",
  "GET /__verbatim/api/evidence/heads": "compliance",
  "GET /__verbatim/api/evidence/heads/latest": "compliance",
  "POST /__verbatim/api/evidence/heads": "compliance",
  "GET /__verbatim/api/evidence/consistency": "compliance",
  "GET /__verbatim/api/exchanges/:id/inclusion": "compliance",
  "GET /__verbatim/api/exchanges/:id/verify": "compliance",
  "GET /__verbatim/api/holds": "compliance",
  "POST /__verbatim/api/holds": "compliance",
  "POST /__verbatim/api/holds/:id/lift": "compliance",
  "GET /__verbatim/api/retention": "compliance",
  "POST /__verbatim/api/retention/run": "compliance",
  "POST /__verbatim/api/exports": "compliance",
  "GET /__verbatim/api/exports": "compliance",
  "GET /__verbatim/api/exports/:id": "compliance",
  "GET /__verbatim/api/exports/:id/download": "compliance",
  "GET /__verbatim/api/sessions/:id/har": "compliance",
  "ALL /__verbatim/api/*": "public",
  "ALL /*": "public",
};

/** Middleware the host runs for every request; everything else in the router is a route. */
const MIDDLEWARE = new Set(["withConfig", "csrf", "authenticate", "denyUndeclared", "consoleHeaders"]);

type Route = { key: string; method: string; path: string; access: RouteAccess | undefined };

function routesOfRouter(): Route[] {
  const groups = new Map<string, Route>();
  for (const r of consoleHost.routes) {
    const key = `${r.method} ${r.path}`;
    const access = accessOf(r.handler);
    const group = groups.get(key);
    if (group) {
      group.access ??= access;
      continue;
    }
    if (access === undefined && MIDDLEWARE.has(unwrapped(r.handler).name)) continue;
    groups.set(key, { key, method: r.method, path: r.path, access });
  }
  return [...groups.values()];
}

const SAMPLE: Readonly<Record<string, string>> = {
  "/sessions/:id": "/sessions/0123456789abcdef0123456789abcdef",
  "/exchanges/:id": "/exchanges/01M8494D9J9MWAYS0H034G9S6W",
  "/replay/:id": "/replay/01M8494D9J9MWAYS0H034G9S6W",
  "/tokens/:id": "/tokens/0123456789ab",
  "/holds/:id": "/holds/0123456789abcdef",
  "/exports/:id": "/exports/01M8494D9J9MWAYS0H034G9S6W",
};

function concrete(path: string): string {
  let out = path.replace(/\/\*$/, "/nothing-here").replace(/^\*$/, "/nothing-here");
  for (const [pattern, value] of Object.entries(SAMPLE)) out = out.replace(pattern, value);
  return out;
}

const CREDENTIALS = [
  ["nobody", null],
  ["ops", DEMO.ops],
  ["support", DEMO.support],
  ["compliance", DEMO.compliance],
  ["admin", DEMO.admin],
] as const;

async function ask(route: Route, token: string | null): Promise<Visit> {
  const method = route.method === "ALL" ? "GET" : route.method;
  return visit(
    new Request(CONSOLE + concrete(route.path), {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        // Posted from the console's own pages: CSRF is not what this test looks at.
        origin: CONSOLE,
        "content-type": "application/json",
      },
      ...(method === "GET" ? {} : { body: "{}" }),
      redirect: "manual",
    }),
  );
}

/** Refused for want of a credential: 401 from a guard, or a page's redirect to the sign-in form. */
function unauthenticated(result: Visit): boolean {
  return (
    (result.response.status === 401 && result.text.includes("sign in first")) ||
    (result.response.status === 303 &&
      (result.response.headers.get("location") ?? "").startsWith("/__verbatim/login?next="))
  );
}

function forbidden(result: Visit): boolean {
  return result.response.status === 403;
}

const grants: Readonly<Record<string, readonly string[]>> = {
  ops: ["ops"],
  support: ["support"],
  compliance: ["compliance", "support"],
  admin: ["admin"],
};

describe("access by function", () => {
  const routes = routesOfRouter();

  it("finds every route in the router, and each declares the role the README documents", () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(Object.fromEntries(routes.map((r) => [r.key, r.access]))).toEqual(DOCUMENTED);
  });

  it.each(routes.map((r) => [r.key, r] as const))(
    "%s answers each role and no credential as documented",
    async (_key, route) => {
      for (const [who, token] of CREDENTIALS) {
        const result = await ask(route, token);
        const label = `${route.key} as ${who}: ${result.response.status} ${result.text.slice(0, 120)}`;
        if (route.access === "public") {
          expect(forbidden(result) || unauthenticated(result), label).toBe(false);
        } else if (token === null) {
          expect(unauthenticated(result), label).toBe(true);
        } else if (grants[who]?.includes(route.access ?? "")) {
          expect(forbidden(result) || unauthenticated(result), label).toBe(false);
        } else {
          expect(forbidden(result), label).toBe(true);
        }
      }
    },
  );

  it("closes a route someone adds without declaring a role, and opens a declared one to its role only", async () => {
    const app = new Hono<AccessEnv>();
    app.use("*", async (c, next) => {
      c.set("principal", { id: "demo:compliance", roles: ["compliance"], via: "demo" });
      await next();
    });
    app.use("*", denyUndeclared);
    app.get("/stray", (c) => c.json({ leaked: true }));
    route(app, "GET", "/declared", "support", (c) => c.json({ shown: true }));
    route(app, "GET", "/tokens", "admin", (c) => c.json({ shown: true }));
    app.onError((error) =>
      error instanceof VerbatimError ? error.toResponse() : new Response(null, { status: 500 }),
    );
    const stray = await app.request("/stray");
    expect(stray.status).toBe(403);
    expect(await stray.text()).not.toContain("leaked");
    expect((await app.request("/declared")).status).toBe(200);
    expect((await app.request("/tokens")).status).toBe(403);
  });
});
