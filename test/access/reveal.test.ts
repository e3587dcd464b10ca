import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { sealValue } from "../../worker/src/mask/seal.ts";
import { exchanges } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { CONSOLE, DEMO, visit } from "../helpers/visit.ts";

async function keyPair(): Promise<{ pem: string; publicKey: string }> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSA-OAEP", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["encrypt", "decrypt"],
  )) as CryptoKeyPair;
  const pkcs8 = new Uint8Array((await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer);
  const spki = new Uint8Array((await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer);
  const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
  return {
    pem: `-----BEGIN PRIVATE KEY-----\n${b64(pkcs8)}\n-----END PRIVATE KEY-----\n`,
    publicKey: b64(spki),
  };
}

/**
 * Compliance reveals values `encrypt` rules sealed, with the policy's private key given for that request only.
 * The demo shop's policy seals nothing, so the archived values here are sealed by the test with a key of its
 * own and sent through the recorder as a visitor's query (stored as sent): the route's job, finding sealed
 * values in what is stored and opening them with the key given, is what is tested.
 */
describe("reveal", () => {
  let key = { pem: "", publicKey: "" };
  let exchangeId = "";

  beforeAll(async () => {
    key = await keyPair();
    const sealed = await sealValue("+44 20 7946 0000", key.publicKey);
    await new Customer("alice").request(`/products?ref=${encodeURIComponent(sealed)}`);
    exchangeId = (await exchanges()).find((r) => r.url.includes("ref="))?.id ?? "";
  });

  function ask(token: string, body: unknown) {
    return visit(
      new Request(`${CONSOLE}/__verbatim/api/exchanges/${exchangeId}/reveal`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
  }

  it("opens a sealed value with the key given, audits it without the value or the key, and stores neither", async () => {
    const result = await ask(DEMO.compliance, { privateKey: key.pem });
    expect(result.response.status).toBe(200);
    expect(result.response.headers.get("cache-control")).toBe("no-store");
    expect(JSON.parse(result.text)).toMatchObject({
      revealed: [{ where: "url", value: "+44 20 7946 0000" }],
    });
    const entry = await env.DB.prepare(
      "SELECT detail FROM audit_log WHERE action = 'reveal' AND target = ? ORDER BY seq DESC",
    )
      .bind(exchangeId)
      .first<{ detail: string }>();
    expect(JSON.parse(entry?.detail ?? "{}")).toEqual({ values: 1, where: ["url"] });
    const keyBody = key.pem.split("\n")[1] ?? "";
    const { results } = await env.DB.prepare("SELECT detail, target, actor FROM audit_log").all();
    expect(JSON.stringify(results)).not.toContain("7946");
    expect(JSON.stringify(results)).not.toContain(keyBody.slice(0, 40));
  });

  it("says which values another key cannot open", async () => {
    const other = await keyPair();
    const result = await ask(DEMO.compliance, { privateKey: other.pem });
    expect(result.response.status).toBe(200);
    expect(result.text).not.toContain("7946");
    expect(JSON.parse(result.text)).toMatchObject({
      revealed: [{ where: "url", error: expect.any(String) }],
    });
  });

  it.each([
    ["not a key", { privateKey: "hello" }, 400],
    ["no key", {}, 400],
  ])("refuses %s with a clear 400", async (_name, body, status) => {
    expect((await ask(DEMO.compliance, body)).response.status).toBe(status);
  });

  it("is compliance's alone", async () => {
    expect((await ask(DEMO.support, { privateKey: key.pem })).response.status).toBe(403);
  });
});
