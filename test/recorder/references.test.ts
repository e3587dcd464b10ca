import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../worker/src/env.ts";
import { counters } from "../../worker/src/log/health-counters.ts";
import { VERIFY_EVERY } from "../../worker/src/recorder/known-responses.ts";
import { blobText, exchanges } from "../helpers/archive.ts";
import { sidCookie } from "../helpers/recorder-cookie.ts";
import { SITE, visit } from "../helpers/visit.ts";

const edge = { ORIGIN: env.EDGE_ORIGIN } as Partial<Env>;
const cookie = await sidCookie("references");

async function fetchSameEtag(body: string): Promise<string> {
  const result = await visit(
    new Request(`${SITE}/same-etag`, { headers: { ...cookie, "x-body": body } }),
    edge,
  );
  return result.text;
}

describe("responses recorded as references", () => {
  it("records a repeat response (same URL, strong ETag and length) as a reference to the stored body", async () => {
    const before = counters.bodiesByReference + counters.referencesVerified;
    for (let i = 0; i < 3; i++) expect(await fetchSameEtag("a{}")).toBe("a{}".padEnd(32, "."));
    expect(counters.bodiesByReference + counters.referencesVerified - before).toBe(2);
    const rows = (await exchanges()).filter((r) => r.url.endsWith("/same-etag")).slice(-3);
    expect(new Set(rows.map((r) => r.response_body_digest)).size).toBe(1);
    expect(await blobText(rows[2]?.response_body_digest ?? null)).toBe("a{}".padEnd(32, "."));
  });

  it("re-reads a sample of them and counts a validator that lied", async () => {
    const before = counters.referencesMismatched;
    // Every request now sends other bytes under the same ETag and length; a sampled re-read must notice.
    for (let i = 0; i <= VERIFY_EVERY; i++) await fetchSameEtag(`b${i}{}`);
    expect(counters.referencesMismatched - before).toBeGreaterThanOrEqual(1);
    const last = (await exchanges()).filter((r) => r.url.endsWith("/same-etag")).at(-1);
    expect(last?.response_body_digest).toBeTruthy();
  });
});
