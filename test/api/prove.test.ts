import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { commitment, type MaskFinding } from "../../worker/src/mask/index.ts";
import { exchanges } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { CONSOLE, DEMO, visit } from "../helpers/visit.ts";
import { checkoutForm } from "../helpers/cards.ts";

async function prove(
  id: string,
  body: unknown,
): Promise<{
  status: number;
  json: {
    matched?: boolean;
    findings?: { rule: string; location: string }[];
    uncommitted?: { rule: string; location: string; why: string }[];
    error?: { message: string };
  };
}> {
  const result = await visit(
    new Request(`${CONSOLE}/__verbatim/api/exchanges/${id}/prove`, {
      method: "POST",
      headers: { authorization: `Bearer ${DEMO.compliance}`, "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
  return { status: result.response.status, json: JSON.parse(result.text) };
}

describe("proof of masking", () => {
  let checkoutId = "";
  let report: MaskFinding[] = [];

  beforeAll(async () => {
    const alice = new Customer("alice");
    await alice.form("/checkout", checkoutForm());
    const checkout = (await exchanges()).find((r) => r.method === "POST");
    checkoutId = checkout?.id ?? "";
    report = JSON.parse(checkout?.mask_report ?? "[]") as MaskFinding[];
  });

  it("confirms the card number a compliance officer holds was the one masked, and where", async () => {
    const result = await prove(checkoutId, { value: "4242-4242-4242-4242" });
    expect(result.status).toBe(200);
    expect(result.json.matched).toBe(true);
    expect(result.json.findings).toContainEqual({ rule: "card-number", location: "form:cardNumber" });
  });

  it("keeps commitments under COMMITMENT_SECRET, never VERBATIM_SECRET", () => {
    const card = report.find((f) => f.rule === "card-number");
    expect(card?.commitments).toContain(commitment(env.COMMITMENT_SECRET ?? "", "4242424242424242"));
    expect(card?.commitments).not.toContain(commitment(env.VERBATIM_SECRET ?? "", "4242424242424242"));
  });

  it("cannot confirm a CVV or an expiry, and says they were withheld as guessable", async () => {
    // A commitment to a 3-digit CVV is the CVV to whoever may call prove: a thousand guesses recover it.
    expect(report.find((f) => f.rule === "card-security-code")).toEqual({
      rule: "card-security-code",
      location: "form:cvv",
      count: 1,
      uncommitted: "low-entropy",
    });
    for (const guess of ["987", "988"]) {
      const result = await prove(checkoutId, { value: guess });
      expect(result.json.matched).toBe(false);
      expect(result.json.uncommitted).toEqual(
        expect.arrayContaining([
          { rule: "card-security-code", location: "form:cvv", why: "low-entropy" },
          { rule: "card-expiry", location: "form:expiry", why: "low-entropy" },
        ]),
      );
    }
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
