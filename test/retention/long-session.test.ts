import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { parseRetention } from "../../worker/src/config/retention-spec.ts";
import { activeHolds } from "../../worker/src/retention/hold.ts";
import { KeptReferences } from "../../worker/src/retention/kept-references.ts";
import { markStep, segmentsToRead } from "../../worker/src/retention/mark.ts";
import { RetentionStore } from "../../worker/src/retention/retention-store.ts";
import { SegmentStore } from "../../worker/src/retention/segment-store.ts";
import { indexPartitions } from "../../worker/src/store/partitions.ts";
import type { Env } from "../../worker/src/env.ts";
import { Customer } from "../helpers/browser-like.ts";
import { digestsOf, recordInThePast, type Recorded } from "./support/recording.ts";

const DAY = 86_400_000;

/**
 * A session that lasts longer than a day (a visitor back with the same cookie) is kept while it is active,
 * and so are the bodies its early records reference, even once the body_refs rows for those references look
 * expired: the job lists it when it reads its segments and reads its early records back.
 */
describe("a long session's early records", () => {
  const store = new RetentionStore(indexPartitions(env as Env));
  const segments = new SegmentStore(env.BLOBS);
  let early: Recorded;
  let late: Recorded;
  const now = Date.now() + 10 * 60_000;

  beforeAll(async () => {
    const sam = new Customer("sam");
    early = await recordInThePast(sam, 3 * DAY, (v) => v.request("/terms").then(() => {}));
    late = await recordInThePast(sam, 0, (v) => v.request("/products/car-insurance").then(() => {}));
    // A shard refreshes last_seen at most once a minute of its own clock, and both parts were recorded within
    // one: set it as the refresh a minute later would have.
    const lastAt = Math.max(...late.records.map((r) => r.exchange.started_at));
    await env.DB.prepare("UPDATE session_log SET last_seen = ? WHERE id = ?")
      .bind(lastAt, late.session)
      .run();
    const listed = await segmentsToRead(segments, { at: 0, key: "" }, now);
    await markStep({ store, segments, bucket: env.BLOBS, cursor: { at: 0, key: "" }, listed, limit: 100 });
  });

  const keptBy = async (digests: string[], policy = "1d") => {
    const parsed = parseRetention(policy);
    if (!parsed.ok) throw new Error(parsed.error);
    return new KeptReferences({
      store,
      segments,
      policy: parsed.policy,
      holds: activeHolds([], new Map()),
      now,
      // Every segment counts as read: only the long session can vouch for the body.
      cursor: { at: now, key: "~" },
    }).keptBy(digests);
  };

  it("is one session, listed as long when its segments are read", async () => {
    expect(late.session).toBe(early.session);
    expect((await store.longSessions()).map((s) => s.session_id)).toEqual([early.session]);
  });

  it("vouches for the bodies of its records from before the cutoff, not for those after it", async () => {
    const terms = [...digestsOf(early.records.map((r) => r.exchange))];
    const later = [...digestsOf(late.records.map((r) => r.exchange))].filter((d) => !terms.includes(d));
    expect(terms.length).toBeGreaterThan(0);
    expect(later.length).toBeGreaterThan(0);
    const found = await keptBy([...terms, ...later]);
    for (const d of terms) expect(found.get(d)).toBe("long-session");
    for (const d of later) expect(found.has(d)).toBe(false);
  });

  it("vouches for nothing where the session is not long by the policy (kept whole by its period)", async () => {
    const terms = [...digestsOf(early.records.map((r) => r.exchange))];
    expect((await keptBy(terms, "30d")).size).toBe(0);
  });
});
