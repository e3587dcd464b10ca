import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { exchanges } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { CONSOLE, DEMO, visit } from "../helpers/visit.ts";
import { checkoutForm } from "../helpers/cards.ts";

/**
 * The review recovered a redacted CVV through `prove` in 848 unthrottled guesses. Now a CVV has no
 * commitment at all (even the right guess learns nothing), `prove` answers PROVE_LIMIT calls a minute per
 * principal, and every call, refused ones included, is in the audit log.
 */
describe("prove is no oracle", () => {
  let checkoutId = "";
  let token = "";
  let tokenId = "";

  beforeAll(async () => {
    const alice = new Customer("alice");
    await alice.form("/checkout", checkoutForm());
    checkoutId = (await exchanges()).find((r) => r.method === "POST")?.id ?? "";
    // A principal of its own, so no other test file's calls count against its limit.
    const created = await visit(
      new Request(`${CONSOLE}/__verbatim/api/tokens`, {
        method: "POST",
        headers: { authorization: `Bearer ${DEMO.admin}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "oracle attacker", roles: ["compliance"], expiresInDays: 1 }),
      }),
    );
    ({ token, id: tokenId } = JSON.parse(created.text) as { token: string; id: string });
  });

  async function guess(value: string) {
    const result = await visit(
      new Request(`${CONSOLE}/__verbatim/api/exchanges/${checkoutId}/prove`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ value }),
      }),
    );
    return { status: result.response.status, body: JSON.parse(result.text) as Record<string, unknown> };
  }

  it("stops a CVV guessing run at the rate limit, learns nothing before it, and audits every attempt", async () => {
    const guesses = ["000", "001", "987", "002", "003", "004", "005", "006", "007", "008", "009", "010"];
    const answers = [];
    for (const value of guesses) answers.push(await guess(value));
    const answered = answers.filter((a) => a.status === 200);
    expect(answered).toHaveLength(10);
    expect(answers.slice(10).map((a) => a.status)).toEqual([429, 429]);
    // The right CVV is no different from a wrong one: there is nothing to match, and the answer says why.
    for (const answer of answered) expect(answer.body.matched).toBe(false);
    expect(answered[2]?.body.uncommitted).toContainEqual({
      rule: "card-security-code",
      location: "form:cvv",
      why: "low-entropy",
    });
    const { results } = await env.DB.prepare(
      "SELECT detail FROM audit_log WHERE action = 'prove' AND actor = ? ORDER BY seq",
    )
      .bind(`token:${tokenId}`)
      .all<{ detail: string }>();
    expect(results.map((r) => (JSON.parse(r.detail) as { allowed: boolean }).allowed)).toEqual([
      ...Array(10).fill(true),
      false,
      false,
    ]);
  });

  it("is refused to support", async () => {
    const result = await visit(
      new Request(`${CONSOLE}/__verbatim/api/exchanges/${checkoutId}/prove`, {
        method: "POST",
        headers: { authorization: `Bearer ${DEMO.support}`, "content-type": "application/json" },
        body: JSON.stringify({ value: "987" }),
      }),
    );
    expect(result.response.status).toBe(403);
  });
});
