import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../worker/src/env.ts";
import type { ExchangeRow } from "../../worker/src/record/rows.ts";
import { runRetention } from "../../worker/src/retention/index.ts";
import { exchanges } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { bodyStored, digestsOf, placeHold, rowsOf } from "./support/recording.ts";

const DAY = 86_400_000;

/** The moment `years` calendar years after `at` (what RETENTION's "7y" counts back from). */
function yearsAfter(at: number, years: number): number {
  const date = new Date(at);
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date.getTime();
}

async function refRows(): Promise<{ digest: string; host: string; last_ref: number }[]> {
  const { results } = await env.DB.prepare("SELECT digest, host, last_ref FROM body_refs").all<{
    digest: string;
    host: string;
    last_ref: number;
  }>();
  return results;
}

/**
 * The job's own record of shared bodies (body_refs), read from segments once they are written: everything
 * here is recorded through the whole recording path today, and the job runs seven years on.
 */
describe("retention reading segments into body_refs", () => {
  let rows: ExchangeRow[] = [];
  const sessionOf = (name: string) =>
    rows.find((r) => r.context.includes(`TestBrowser/${name}`))?.session_id ?? "";
  const bodiesOf = (name: string) => digestsOf(rows.filter((r) => r.session_id === sessionOf(name)));
  let now = 0;

  beforeAll(async () => {
    const alice = new Customer("alice");
    await alice.request("/");
    await alice.request("/terms");
    await alice.request("/static/site.css");
    await alice.form("/login", { username: "alice", password: "alice-pass" });
    const bob = new Customer("bob");
    await bob.request("/terms");
    await bob.request("/static/site.css");
    await bob.form("/login", { username: "bob", password: "bob-pass" });
    const eve = new Customer("eve");
    await eve.request("/static/site.css");
    rows = await exchanges();
    const eveFirst = Math.min(
      ...rows.filter((r) => r.session_id === sessionOf("eve")).map((r) => r.started_at),
    );
    // Seven years after the moment just before Eve's visit: Alice's and Bob's sessions have expired.
    now = yearsAfter(eveFirst - 1, 7);
  });

  it("costs the recording path nothing: no body_refs row exists before the job reads the segments", async () => {
    expect(rows.length).toBeGreaterThan(5);
    expect(await refRows()).toEqual([]);
  });

  it("writes rows only for bodies more than one session references", async () => {
    const result = await runRetention(env as Env, now);
    if (result.skipped) throw new Error("skipped");
    expect(result.counts.sessions).toBe(2);
    const refs = await refRows();
    const withRows = new Set(refs.map((r) => r.digest));
    const css = rows.find((r) => r.url.endsWith("/static/site.css"))?.response_body_digest ?? "";
    const terms = rows.find((r) => r.url.endsWith("/terms"))?.response_body_digest ?? "";
    expect(withRows.has(css)).toBe(true);
    expect(withRows.has(terms)).toBe(true);
    const aliceOnly = [...bodiesOf("alice")].filter(
      (d) => !bodiesOf("bob").has(d) && !bodiesOf("eve").has(d),
    );
    expect(aliceOnly.length).toBeGreaterThan(0);
    for (const d of aliceOnly) expect(withRows.has(d)).toBe(false);
    // What the job wrote, per exchange it read (the recording path wrote none).
    console.log(
      `body_refs: ${result.counts.refRowsWritten} rows written for ${rows.length} exchanges ` +
        `(${(result.counts.refRowsWritten / rows.length).toFixed(3)} per exchange; ${withRows.size} shared bodies)`,
    );
    expect(result.counts.refRowsWritten).toBe(refs.length);
  });

  it("deletes what only the expired sessions referenced, and keeps a body a kept session referenced", async () => {
    for (const name of ["alice", "bob"]) expect((await rowsOf(sessionOf(name))).session_log).toBe(0);
    const aliceOnly = [...bodiesOf("alice")].filter(
      (d) => !bodiesOf("bob").has(d) && !bodiesOf("eve").has(d),
    );
    for (const d of aliceOnly) expect(await bodyStored(d)).toBe(false);
    for (const d of bodiesOf("eve")) expect(await bodyStored(d)).toBe(true);
  });

  it("keeps a body whose last reference is under a day past the cutoff, and deletes it once that row expires", async () => {
    const terms = rows.find((r) => r.url.endsWith("/terms"))?.response_body_digest ?? "";
    // Alice and Bob, both deleted, shared the terms page: its row is within a short session of the cutoff.
    expect(await bodyStored(terms)).toBe(true);
    // Three days on, Eve's own session has expired too: a hold keeps it, and with it the stylesheet.
    await placeHold("session", sessionOf("eve"));
    const later = await runRetention(env as Env, now + 3 * DAY, { force: true });
    if (later.skipped) throw new Error("skipped");
    expect(await bodyStored(terms)).toBe(false);
    expect((await refRows()).some((r) => r.digest === terms)).toBe(false);
    expect((await rowsOf(sessionOf("eve"))).session_log).toBe(1);
    for (const d of bodiesOf("eve")) expect(await bodyStored(d)).toBe(true);
  });
});
