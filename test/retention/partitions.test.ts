import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../worker/src/env.ts";
import { runRetention } from "../../worker/src/retention/index.ts";
import { utcDay } from "../../worker/src/snapshot/ids.ts";
import { exchanges } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { bodyStored, digestsOf, recordInThePast } from "./support/recording.ts";

const DAY = 86_400_000;

const count = async (db: D1Database, sql: string, ...args: string[]) =>
  (
    await db
      .prepare(sql)
      .bind(...args)
      .first<{ n: number }>()
  )?.n ?? 0;

describe("retention over index partitions", () => {
  it("deletes expired sessions from the older partition, with their bodies, and keeps the newer partition's", async () => {
    // DB_2025 holds everything before yesterday and is the control database (holds, body_refs, job state).
    const partitioned = { ...env, INDEX_PARTITIONS: `DB_2025, DB@${utcDay(Date.now() - DAY)}` } as Env;
    const old = await recordInThePast(
      "olga",
      8 * 365 * DAY,
      async (v) => {
        await v.request("/static/site.css");
        await v.form("/login", { username: "alice", password: "alice-pass" });
      },
      partitioned,
    );
    expect(
      await count(env.DB_2025, "SELECT count(*) AS n FROM record_chunks WHERE session_id = ?", old.session),
    ).toBeGreaterThan(0);
    const today = new Customer("tom");
    await today.request("/static/site.css");
    const tom = (await exchanges()).filter((r) => r.context.includes("TestBrowser/tom"));
    expect(tom.length).toBe(1);

    const result = await runRetention(partitioned, Date.now());
    if (result.skipped) throw new Error("skipped");
    expect(result.counts.sessions).toBe(1);
    for (const table of ["record_chunks WHERE session_id", "session_log WHERE id"])
      expect(await count(env.DB_2025, `SELECT count(*) AS n FROM ${table} = ?`, old.session)).toBe(0);
    expect(
      await count(env.DB, "SELECT count(*) AS n FROM session_log WHERE id = ?", tom[0]?.session_id ?? ""),
    ).toBe(1);
    const olgaBodies = digestsOf(old.records.map((r) => r.exchange));
    const tomBodies = digestsOf(tom);
    for (const d of olgaBodies) expect(await bodyStored(d)).toBe(tomBodies.has(d));
    expect([...olgaBodies].some((d) => tomBodies.has(d))).toBe(true);
    expect(await count(env.DB_2025, "SELECT count(*) AS n FROM retention_state WHERE name = ?", "last")).toBe(
      1,
    );
  });
});
