import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../worker/src/audit/index.ts";
import type { Env } from "../../worker/src/env.ts";
import { runRetention } from "../../worker/src/retention/index.ts";
import { utcDay } from "../../worker/src/snapshot/ids.ts";
import { exchanges } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { failing } from "../helpers/faults.ts";
import {
  api,
  bodyStored,
  digestsOf,
  liftHold,
  placeHold,
  recordInThePast,
  rowsOf,
  segmentsOf,
  type Recorded,
} from "./support/recording.ts";

const YEAR = 365.25 * 86_400_000;
/** Eight years back: past the default RETENTION of seven (wrangler.toml). */
const AGO = 8 * YEAR;

const run = (options: Parameters<typeof runRetention>[2] = {}) =>
  runRetention(env as Env, Date.now(), { force: true, ...options });

async function stored(digests: Iterable<string>): Promise<{ kept: string[]; gone: string[] }> {
  const kept: string[] = [];
  const gone: string[] = [];
  for (const d of digests) ((await bodyStored(d)) ? kept : gone).push(d);
  return { kept, gone };
}

/** Every body a recorded visit names. */
const bodies = (visit: Recorded) => digestsOf(visit.records.map((r) => r.exchange));

const minus = (a: Set<string>, ...others: Set<string>[]) =>
  new Set([...a].filter((d) => !others.some((o) => o.has(d))));
const both = (a: Set<string>, b: Set<string>) => new Set([...a].filter((d) => b.has(d)));

describe("retention and legal holds", () => {
  let alice: Recorded;
  let bob: Recorded;
  let carol: Recorded;
  let franks: Recorded[];
  let eve: { session: string; digests: Set<string> };
  let aliceSegments: string[];

  beforeAll(async () => {
    // Years ago: Alice shops and signs in; Bob (whose customer record is held) and Carol (whose session is
    // held) browse the same pages; three short visits by Frank.
    alice = await recordInThePast("alice", AGO, async (v) => {
      await v.request("/");
      await v.request("/terms");
      await v.request("/static/site.css");
      await v.form("/login", { username: "alice", password: "alice-pass" });
      await v.request("/products/home-insurance");
      await v.request("/api/quote?product=home-insurance");
    });
    bob = await recordInThePast("bob", AGO, async (v) => {
      await v.request("/terms");
      await v.request("/static/site.css");
      await v.form("/login", { username: "bob", password: "bob-pass" });
      await v.request("/products/home-insurance");
    });
    carol = await recordInThePast("carol", AGO, async (v) => {
      await v.request("/terms");
      await v.form("/login", { username: "carol", password: "carol-pass" });
    });
    franks = [];
    for (const n of [1, 2, 3])
      franks.push(
        await recordInThePast(`frank${n}`, AGO, (v) =>
          v.request(`/products/car-insurance?n=${n}`).then(() => {}),
        ),
      );
    // Today: Eve loads the same stylesheet, through the whole recording path.
    const today = new Customer("eve");
    await today.request("/");
    await today.request("/static/site.css");
    const all = await exchanges();
    const session = all.find((r) => r.started_at > Date.now() - YEAR)?.session_id ?? "";
    eve = { session, digests: digestsOf(all.filter((r) => r.session_id === session)) };
    aliceSegments = await segmentsOf(alice.session);
  });

  it("records what the test needs: bodies only Alice's visit names, and ones Eve's visit names too", () => {
    const aliceOnly = minus(bodies(alice), bodies(bob), bodies(carol), eve.digests);
    expect(aliceOnly.size).toBeGreaterThan(0);
    expect(both(bodies(alice), eve.digests).size).toBeGreaterThan(0);
    expect(aliceSegments.length).toBeGreaterThan(0);
  });

  it("works in bounded batches: a run that stops part way is resumed by the next", async () => {
    await placeHold("session", carol.session);
    await placeHold("customer", "bob");
    const first = await run({ limits: { sessionsPerBatch: 1, batches: 1 } });
    expect(first.skipped).toBe(false);
    if (first.skipped) return;
    expect(first.counts.sessions).toBe(1);
    expect(first.done).toBe(false);
    const rest = await run();
    if (rest.skipped) throw new Error("skipped");
    expect(rest.counts.sessions).toBe(3);
    expect(rest.done).toBe(true);
    expect(first.heldSessions + rest.heldSessions).toBe(2);
  });

  it("deletes expired sessions' rows, records and segments, and keeps sessions under hold or within the period", async () => {
    for (const gone of [alice, ...franks])
      expect(await rowsOf(gone.session)).toEqual({
        session_log: 0,
        record_chunks: 0,
        session_keys: 0,
        session_customers: 0,
        captures: 0,
      });
    for (const key of aliceSegments) expect(await env.BLOBS.head(key)).toBeNull();
    for (const kept of [bob.session, carol.session, eve.session]) {
      const rows = await rowsOf(kept);
      expect(rows.session_log).toBe(1);
      expect(rows.record_chunks).toBeGreaterThan(0);
    }
  });

  it("deletes the bodies nothing kept references, and keeps those a newer or held session references", async () => {
    const a = bodies(alice);
    const keptSessions = [bodies(bob), bodies(carol), eve.digests];
    const aliceOnly = minus(a, ...keptSessions, ...franks.map((f) => bodies(f)));
    expect(await stored(aliceOnly)).toEqual({ kept: [], gone: [...aliceOnly] });
    const withEve = both(a, eve.digests);
    expect(await stored(withEve)).toEqual({ kept: [...withEve], gone: [] });
    const withHeld = minus(both(a, new Set([...bodies(bob), ...bodies(carol)])), eve.digests);
    expect(withHeld.size).toBeGreaterThan(0);
    expect(await stored(withHeld)).toEqual({ kept: [...withHeld], gone: [] });
  });

  it("keeps a session under a day hold, and deletes it once every hold on it is lifted", async () => {
    const holds = JSON.parse((await api("GET", "/holds")).text) as { holds: { id: string; kind: string }[] };
    const sessionHold = holds.holds.find((h) => h.kind === "session")?.id ?? "";
    const day = await placeHold("day", utcDay(Date.now() - AGO));
    await liftHold(sessionHold);
    await run();
    expect((await rowsOf(carol.session)).session_log).toBe(1);
    await liftHold(day);
    const after = await run();
    if (after.skipped) throw new Error("skipped");
    expect((await rowsOf(carol.session)).session_log).toBe(0);
    const carolOnly = minus(bodies(carol), bodies(bob), eve.digests);
    expect(carolOnly.size).toBeGreaterThan(0);
    expect(await stored(carolOnly)).toEqual({ kept: [], gone: [...carolOnly] });
    // Bob's customer hold still stands.
    expect((await rowsOf(bob.session)).session_log).toBe(1);
  });

  it("lets the next run delete a customer's sessions once their hold is lifted", async () => {
    const holds = JSON.parse((await api("GET", "/holds")).text) as {
      holds: { id: string; kind: string; active: boolean }[];
    };
    const customerHold = holds.holds.find((h) => h.kind === "customer" && h.active)?.id ?? "";
    await liftHold(customerHold);
    await run();
    expect((await rowsOf(bob.session)).session_log).toBe(0);
    const bobOnly = minus(bodies(bob), eve.digests);
    expect(await stored(bobOnly)).toEqual({ kept: [], gone: [...bobOnly] });
    expect(await stored(eve.digests)).toEqual({ kept: [...eve.digests], gone: [] });
    expect((await rowsOf(eve.session)).session_log).toBe(1);
  });

  it("writes every deletion run and every hold placed or lifted to the audit log", async () => {
    const log = new AuditLog(env.DB);
    const deletions = await log.list({ action: "retention.delete", limit: 100 });
    expect(deletions.every((e) => e.actor === "system:retention" && e.via === "system")).toBe(true);
    const deleted = deletions.flatMap((e) =>
      Array.isArray(e.detail["sessions"]) ? e.detail["sessions"] : [],
    );
    expect(new Set(deleted)).toEqual(
      new Set([alice.session, carol.session, bob.session, ...franks.map((f) => f.session)]),
    );
    const bodies = deletions.reduce((sum, e) => sum + Number(e.detail["bodiesDeleted"] ?? 0), 0);
    expect(bodies).toBeGreaterThan(0);
    const placed = await log.list({ action: "hold", limit: 100 });
    const lifted = await log.list({ action: "hold.release", limit: 100 });
    expect(placed.map((e) => e.detail["kind"]).sort()).toEqual(["customer", "day", "session"]);
    expect(lifted).toHaveLength(3);
    expect([...placed, ...lifted].every((e) => e.actor === "demo:compliance")).toBe(true);
    // The customer was held by its keyed token: the identifier is nowhere in the log.
    expect(JSON.stringify(placed)).not.toContain('"bob"');
  });

  it("reports the policy, the last run and the totals", async () => {
    const status = JSON.parse((await api("GET", "/retention")).text) as {
      policy: { host: string; period: string }[];
      lastRun: { done: boolean; counts: { sessions: number } };
      totals: { sessions: number; bodies: number };
      activeHolds: number;
    };
    expect(status.policy).toEqual([{ host: "*", period: "7y", cutoff: expect.any(String) }]);
    expect(status.lastRun.done).toBe(true);
    expect(status.totals.sessions).toBe(6);
    expect(status.totals.bodies).toBeGreaterThan(0);
    expect(status.activeHolds).toBe(0);
  });

  it("finishes a deletion a failed run left half done, and writes its audit entry then", async () => {
    const gina = await recordInThePast("gina", AGO, (v) =>
      v.form("/login", { username: "gina", password: "x" }).then(() => {}),
    );
    const ginaOnly = minus(bodies(gina), eve.digests);
    expect(ginaOnly.size).toBeGreaterThan(0);
    // R2 refuses deletes: the index rows are gone by then, the bodies not yet.
    const broken = { ...env, BLOBS: failing(env.BLOBS, ["delete"], "R2 unavailable") } as Env;
    await expect(runRetention(broken, Date.now(), { force: true })).rejects.toThrow("R2 unavailable");
    expect((await rowsOf(gina.session)).session_log).toBe(0);
    expect(await stored(ginaOnly)).toEqual({ kept: [...ginaOnly], gone: [] });
    expect((await env.BLOBS.list({ prefix: "retention/pending/" })).objects).toHaveLength(1);
    const log = new AuditLog(env.DB);
    const mentions = async () =>
      (await log.list({ action: "retention.delete", limit: 100 })).filter((e) =>
        JSON.stringify(e.detail["sessions"]).includes(gina.session),
      );
    expect(await mentions()).toHaveLength(0);
    await run();
    expect(await stored(ginaOnly)).toEqual({ kept: [], gone: [...ginaOnly] });
    expect((await env.BLOBS.list({ prefix: "retention/pending/" })).objects).toHaveLength(0);
    expect(await mentions()).toHaveLength(1);
  });
});
