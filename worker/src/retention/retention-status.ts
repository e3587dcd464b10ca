import { allRules, cutoffOf, type RetentionPolicy } from "../config/retention-spec.ts";
import type { Env } from "../env.ts";
import { indexPartitions } from "../store/partitions.ts";
import type { Hold } from "./hold.ts";
import {
  parseCounts,
  parseCursor,
  parseCycle,
  parseLastRun,
  type Counts,
  type LastRun,
  type Phase,
} from "./retention-state.ts";
import { RetentionStore } from "./retention-store.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export type RetentionStatus = {
  /** Null when RETENTION does not parse (the job then deletes nothing). */
  policy: { host: string; period: string; cutoff: string | null }[] | null;
  cycle: { day: string; phase: Phase } | null;
  /** Segments written up to this moment have been read into body_refs. */
  readThrough: string | null;
  lastRun: LastRun | null;
  totals: Counts;
  /** The next cron hour the job will do work: now's next hour while today's cycle is open, else tomorrow's first. */
  nextRun: string;
  /** Sessions last active before this have expired under the default rule at the next run. */
  nextCutoff: string | null;
  activeHolds: number;
};

function iso(at: number | null): string | null {
  return at === null ? null : new Date(at).toISOString();
}

/** What GET /retention and the console's holds page show. */
export async function retentionStatus(
  env: Env,
  policy: RetentionPolicy | null,
  holds: readonly Hold[],
  now: number,
): Promise<RetentionStatus> {
  const store = new RetentionStore(indexPartitions(env));
  const [cycleValue, markValue, lastValue, totalsValue] = await Promise.all([
    store.state("cycle"),
    store.state("mark"),
    store.state("last"),
    store.state("totals"),
  ]);
  const cycle = parseCycle(cycleValue);
  const cursor = parseCursor(markValue);
  const today = new Date(now).toISOString().slice(0, 10);
  const nextHour = Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS;
  const tomorrow = Date.parse(`${today}T00:00:00Z`) + DAY_MS;
  const next = cycle?.day === today && cycle.phase === "done" ? tomorrow : nextHour;
  return {
    policy: policy
      ? allRules(policy).map((r) => ({ host: r.host, period: r.text, cutoff: iso(cutoffOf(r.period, now)) }))
      : null,
    cycle: cycle ? { day: cycle.day, phase: cycle.phase } : null,
    readThrough: cursor.at > 0 ? iso(cursor.at) : null,
    lastRun: parseLastRun(lastValue),
    totals: parseCounts(totalsValue),
    nextRun: new Date(next).toISOString(),
    nextCutoff: policy ? iso(cutoffOf(policy.fallback.period, next)) : null,
    activeHolds: holds.filter((h) => h.lifted_at === null).length,
  };
}
