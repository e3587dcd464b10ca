import { beforeAll, describe, expect, it } from "vitest";
import { exchanges } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { SITE, visit } from "../helpers/visit.ts";

async function prove(
  id: string,
  body: unknown,
): Promise<{
  status: number;
  json: { matched?: boolean; findings?: { rule: string; location: string }[]; error?: { message: string } };
}> {
  const result = await visit(
    new Request(`${SITE}/__verbatim/api/exchanges/${id}/prove`, {
      method: "POST",
      headers: { authorization: "Bearer test-token", "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
  return { status: result.response.status, json: JSON.parse(result.text) };
}

describe("proof of masking", () => {
  let checkoutId = "";

  beforeAll(async () => {
    const alice = new Customer("alice");
    await alice.form("/checkout", {
      cardholder: "Alice",
      cardNumber: "4242 4242 4242 4242",
      expiry: "12/29",
      cvv: "987",
      product: "home-insurance",
    });
    checkoutId = (await exchanges()).find((r) => r.method === "POST")?.id ?? "";
  });

  it("confirms the card number a compliance officer holds was the one masked, and where", async () => {
    const result = await prove(checkoutId, { value: "4242-4242-4242-4242" });
    expect(result.status).toBe(200);
    expect(result.json.matched).toBe(true);
    expect(result.json.findings).toContainEqual({ rule: "card-number", location: "form:cardNumber" });
  });

  it("confirms a redacted CVV and rejects a wrong one", async () => {
    expect((await prove(checkoutId, { value: "987" })).json.findings).toContainEqual({
      rule: "card-security-code",
      location: "form:cvv",
    });
    expect((await prove(checkoutId, { value: "988" })).json.matched).toBe(false);
  });

  it.each([
    ["not JSON", "value=1", "must be JSON"],
    ["no value", {}, '"value" must be a non-empty string'],
    ["an empty value", { value: "" }, '"value" must be a non-empty string'],
  ])("answers %s with a clear 400", async (_name, body, message) => {
    const result = await prove(checkoutId, body);
    expect(result.status).toBe(400);
    expect(result.json.error?.message).toContain(message);
  });
});
