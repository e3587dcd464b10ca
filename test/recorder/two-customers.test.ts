import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { customerToken } from "../../worker/src/mask/keyed-hash.ts";
import { blobText, everythingStored, exchanges, sessions } from "../helpers/archive.ts";
import { Customer, tapped } from "../helpers/browser-like.ts";
import { sameBytes } from "../helpers/visit.ts";
import type { ExchangeRow } from "../../worker/src/record/rows.ts";

const STATIC = [
  "/static/site.css",
  "/static/theme.css",
  "/static/app.js",
  "/static/img/logo.svg",
  "/static/img/product.png",
  "/static/fonts/inter-400.woff2",
];

/** Browses the demo shop like a customer: anonymous landing, login, product with its JSON calls, checkout. */
async function browse(customer: Customer, password: string, card: string) {
  await customer.request("/");
  for (const path of STATIC) await customer.request(path);
  await customer.request("/login");
  await customer.form("/login", { username: customer.name, password });
  await customer.request("/products/home-insurance");
  await customer.request("/api/quote?product=home-insurance");
  await customer.request("/api/cart", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ product: "home-insurance", quantity: 1 }),
  });
  await customer.request("/checkout");
  await customer.form("/checkout", {
    cardholder: customer.name,
    cardNumber: card,
    expiry: "12/29",
    cvv: "987",
    product: "home-insurance",
  });
}

function testIdOf(row: ExchangeRow): string | undefined {
  return (JSON.parse(row.request_headers) as [string, string][]).find(([n]) => n === "x-test-id")?.[1];
}

describe("recording two customers through the demo shop", () => {
  const alice = new Customer("alice");
  const bob = new Customer("bob");
  let rows: ExchangeRow[] = [];
  const visitorBodies = new Map<string, Uint8Array>();
  const originBodies = new Map<string, Uint8Array>();

  beforeAll(async () => {
    // Interleaved, as real traffic is.
    await Promise.all([
      browse(alice, "alice-pass", "4242 4242 4242 4242"),
      browse(bob, "bob-pass", "5555-5555-5555-4444"),
    ]);
    rows = await exchanges();
    for (const customer of [alice, bob]) {
      for (const [id, body] of customer.bodies) {
        visitorBodies.set(id, body);
        originBodies.set(id, await tapped(id));
      }
    }
  });

  it("records every exchange once", () => {
    expect(rows.length).toBe(alice.ids.length + bob.ids.length);
    expect(new Set(rows.map(testIdOf)).size).toBe(rows.length);
  });

  it("gives each visitor exactly the bytes the origin sent, compressed bodies included", () => {
    for (const [id, body] of visitorBodies)
      expect(sameBytes(body, originBodies.get(id) ?? new Uint8Array()), id).toBe(true);
    expect(visitorBodies.size).toBe(alice.ids.length + bob.ids.length);
  });

  it("keeps one session per customer across the origin issuing its own session cookie at login", async () => {
    const bySession = new Map<string, Set<string>>();
    for (const row of rows) {
      const who = testIdOf(row)?.split("-")[0] ?? "?";
      bySession.set(row.session_id, (bySession.get(row.session_id) ?? new Set()).add(who));
    }
    expect(bySession.size).toBe(2);
    for (const owners of bySession.values()) expect(owners.size).toBe(1);
    const stored = await sessions();
    expect(stored.map((s) => s.exchange_count).sort()).toEqual([alice.ids.length, bob.ids.length].sort());
    expect(stored.every((s) => s.page_view_count >= 4)).toBe(true);
  });

  it("stores a stylesheet served to both customers once", async () => {
    const css = rows.filter((r) => r.url.endsWith("/static/site.css"));
    expect(css).toHaveLength(2);
    expect(css[0]?.response_body_digest).toBe(css[1]?.response_body_digest);
    const digests = new Set(
      rows.flatMap((r) => [r.request_body_digest, r.response_body_digest]).filter(Boolean),
    );
    const listed = await env.BLOBS.list({ prefix: "sha256/" });
    expect(listed.objects.length).toBe(digests.size);
  });

  it("records form posts with their secrets masked", async () => {
    const login = rows.find(
      (r) => r.method === "POST" && r.url.endsWith("/login") && testIdOf(r)?.startsWith("alice"),
    );
    const loginBody = await blobText(login?.request_body_digest ?? null);
    expect(loginBody).toContain(
      `username=${encodeURIComponent(customerToken(env.VERBATIM_SECRET ?? "", "alice"))}`,
    );
    expect(loginBody).toContain("password=%5BREDACTED%5D");
    const checkout = rows.find(
      (r) => r.method === "POST" && r.url.endsWith("/checkout") && testIdOf(r)?.startsWith("bob"),
    );
    const checkoutBody = await blobText(checkout?.request_body_digest ?? null);
    expect(checkoutBody).toContain("cardNumber=XXXX-XXXX-XXXX-4444");
    expect(checkoutBody).toContain("cvv=%5BREDACTED%5D");
    expect(checkoutBody).toContain("expiry=%5BREDACTED%5D");
  });

  it("stores no password, card number, CVV or cookie value anywhere in R2 or D1", async () => {
    const everything = await everythingStored();
    // The demo login page prints the demo passwords as a hint, so look for them as typed into the form.
    const secrets = [
      "password=alice-pass",
      "password=bob-pass",
      "4242 4242 4242 4242",
      "4242424242424242",
      "4242+4242",
      "5555-5555-5555-4444",
      "5555555555554444",
      "cvv=987",
    ];
    for (const value of [...alice.jar.values(), ...bob.jar.values()]) secrets.push(value);
    for (const secret of secrets) expect(everything.includes(secret), secret).toBe(false);
  });
});

describe("compact records", () => {
  it("stores repeated request headers and contexts once, and views give back the hashed record", async () => {
    const customer = new Customer("dana");
    for (let i = 0; i < 5; i++) await customer.request("/static/site.css");
    const { env } = await import("cloudflare:test");
    const parts = await env.DB.prepare("SELECT count(*) AS n FROM record_parts").first<{ n: number }>();
    const rows = await exchanges();
    // Test ids differ per request (x-test-id), so request headers are unique here; contexts are shared.
    expect(parts?.n).toBeLessThan(rows.length * 2);
    const { recordHash } = await import("../../worker/src/snapshot/record-hash.ts");
    for (const row of rows) {
      const { record_hash, ...rest } = row;
      expect(await recordHash(rest)).toBe(record_hash);
    }
  });
});
