import { env } from "cloudflare:test";
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../worker/src/env.ts";
import { CONSOLE, visit } from "../helpers/visit.ts";

/**
 * Cloudflare Access at the console's door, end to end: a stand-in team domain on loopback publishes its keys
 * at /cdn-cgi/access/certs as Access does, and requests carry `Cf-Access-Jwt-Assertion` as Access adds it.
 * The token checks one by one are in access-jwt.test.ts; here the whole path: assertion → identity →
 * ACCESS_ROLES → the route's role → the audit log's actor.
 */
const TEAM = env.ACCESS_TEST_TEAM_ORIGIN;
const AUD = "4714f1bc3a5e2b7d9c0e6f8a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e";
const ACCESS: Partial<Env> = {
  ACCESS_TEAM_DOMAIN: TEAM,
  ACCESS_AUD: AUD,
  ACCESS_ROLES: "support=group:support-team; compliance=email:legal@acme.com; ops=email:*@sre.acme.com",
};

let privateKey: CryptoKey;
let impostorKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  privateKey = pair.privateKey;
  impostorKey = (await generateKeyPair("RS256", { extractable: true })).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "door-key", alg: "RS256", use: "sig" };
  const published = await fetch(`${TEAM}/cdn-cgi/access/certs`, {
    method: "PUT",
    body: JSON.stringify({ keys: [jwk] }),
  });
  expect(published.status).toBe(204);
});

function assertion(claims: JWTPayload, key: CryptoKey = privateKey): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ aud: [AUD], iss: TEAM, iat: now, nbf: now, exp: now + 300, sub: "user-1", ...claims })
    .setProtectedHeader({ alg: "RS256", kid: "door-key", typ: "JWT" })
    .sign(key);
}

function ask(path: string, jwt: string) {
  return visit(
    new Request(`${CONSOLE}/__verbatim/api${path}`, { headers: { "cf-access-jwt-assertion": jwt } }),
    ACCESS,
  );
}

describe("Cloudflare Access in front of the console", () => {
  it.each([
    [
      "a support-team member reads sessions",
      { email: "ana@acme.com", groups: ["support-team"] },
      "/sessions",
      200,
    ],
    ["but not the audit log", { email: "ana@acme.com", groups: ["support-team"] }, "/audit", 403],
    ["compliance reads the audit log", { email: "Legal@Acme.com" }, "/audit", 200],
    ["an SRE by email domain reads health", { email: "bo@sre.acme.com" }, "/health", 200],
    ["an SRE does not read sessions", { email: "bo@sre.acme.com" }, "/sessions", 403],
    ["someone Access let in but no role names is refused", { email: "guest@acme.com" }, "/sessions", 401],
  ])("%s", async (_name, claims, path, status) => {
    const result = await ask(path, await assertion(claims));
    expect(result.response.status, result.text.slice(0, 200)).toBe(status);
  });

  it.each([
    ["expired", { exp: Math.floor(Date.now() / 1000) - 3600 }],
    ["for another application", { aud: ["0000000000000000000000000000000000000000"] }],
    ["from another team", { iss: "https://evil.cloudflareaccess.com" }],
  ])("refuses an assertion %s", async (_name, claims) => {
    const result = await ask("/sessions", await assertion({ email: "legal@acme.com", ...claims }));
    expect(result.response.status).toBe(401);
  });

  it("refuses an assertion signed with another key under the team's key id", async () => {
    const result = await ask("/sessions", await assertion({ email: "legal@acme.com" }, impostorKey));
    expect(result.response.status).toBe(401);
  });

  it("writes the Access identity into the audit log as the actor", async () => {
    await ask("/sessions?device=mobile", await assertion({ email: "legal@acme.com" }));
    const entry = await env.DB.prepare(
      "SELECT actor, roles, via FROM audit_log WHERE action = 'search' ORDER BY seq DESC LIMIT 1",
    ).first<{ actor: string; roles: string; via: string }>();
    expect(entry).toEqual({ actor: "legal@acme.com", roles: "compliance", via: "access" });
  });
});
