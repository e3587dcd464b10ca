import { loadConfig } from "../config/config.ts";
import { allRules, type RetentionPolicy } from "../config/retention-spec.ts";
import type { Env } from "../env.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { utcDay } from "../snapshot/ids.ts";
import { indexPartitions } from "../store/partitions.ts";
import { activeHolds, type ActiveHolds } from "./hold.ts";
import { HoldStore } from "./hold-store.ts";
import { KeptReferences } from "./kept-references.ts";
import { markStep, segmentsToRead } from "./mark.ts";
import { parsePending, PENDING_PREFIX, type PendingDeletion } from "./pending.ts";
import { resolvePending, type Resolved } from "./resolve.ts";
import {
  addCounts,
  parseCounts,
  parseCursor,
  parseCycle,
  ZERO,
  type Counts,
  type Cycle,
  type LastRun,
} from "./retention-state.ts";
import { RetentionStore } from "./retention-store.ts";
import { SegmentStore, type ListedSegment } from "./segment-store.ts";
import { refsBatch, sessionsBatch, type SweepContext } from "./sweep.ts";
import { jobAudit } from "./system-audit.ts";

/** How much one invocation does; the rest waits for the next (the cron is hourly, the cycle daily). */
export type RetentionLimits = {
  /** Sessions deleted per batch (one D1 transaction per partition, one audit entry). */
  sessionsPerBatch: number;
  /** Deletion batches (of sessions, or of expired body_refs rows) per invocation. */
  batches: number;
  /** Segments read into body_refs per step. */
  segmentsPerStep: number;
  /** Steps of any phase (a read of segments, a scan for expired sessions or rows) per invocation. */
  steps: number;
  refsPerBatch: number;
  /** Wall-clock budget: no new step or batch starts after it. */
  deadlineMs: number;
};

export const DEFAULT_LIMITS: RetentionLimits = {
  sessionsPerBatch: 25,
  batches: 8,
  segmentsPerStep: 100,
  steps: 40,
  refsPerBatch: 500,
  deadlineMs: 25_000,
};

export type RunOptions = {
  trigger?: "cron" | "manual";
  requestedBy?: string | null;
  /** Run even when today's cycle is complete (a manual run). */
  force?: boolean;
  limits?: Partial<RetentionLimits>;
};

export type RunResult = { skipped: true; reason: string } | ({ skipped: false } & LastRun);

/** The policy as the cycle remembers it: another policy starts the scan for expired sessions over. */
export function policyText(policy: RetentionPolicy): string {
  return allRules(policy)
    .map((r) => `${r.host}=${r.text}`)
    .join("; ");
}

/**
 * The retention job. The hourly cron calls it; it completes one cycle per UTC day, resuming where it stopped
 * when a cycle needs several invocations: finish deletions a previous run left pending, read new segments
 * into body_refs (mark), delete expired sessions in batches, then sweep body_refs rows that expired.
 * Every batch is written to the audit log as system:retention.
 */
export async function runRetention(env: Env, at: number, options: RunOptions = {}): Promise<RunResult> {
  const loaded = loadConfig(env);
  const policy = (loaded.ok ? loaded.config : loaded.reading).retention;
  if (!policy)
    throw new VerbatimError(
      "not_configured",
      "RETENTION does not parse: nothing is deleted until it is fixed",
    );
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const deadline = Date.now() + limits.deadlineMs;
  const partitions = indexPartitions(env);
  const store = new RetentionStore(partitions);
  const day = utcDay(at);
  const text = policyText(policy);
  let cycle = parseCycle(await store.state("cycle"));
  if (!options.force && cycle?.day === day && cycle.phase === "done")
    return { skipped: true, reason: `today's cycle (${day}) is complete` };
  if (!cycle || cycle.day !== day || cycle.policy !== text || cycle.phase === "done")
    cycle = { day, phase: "mark", policy: text, frontiers: {}, refs: null };

  const holdStore = new HoldStore(partitions);
  const segments = new SegmentStore(env.BLOBS);
  const audit = jobAudit(env);
  const ctx: SweepContext = {
    bucket: env.BLOBS,
    store,
    segments,
    policy,
    holds: await currentHolds(holdStore),
    now: at,
    trigger: options.trigger ?? "cron",
    requestedBy: options.requestedBy ?? null,
  };
  let cursor = parseCursor(await store.state("mark"));
  const kept = () => new KeptReferences({ store, segments, policy, holds: ctx.holds, now: at, cursor });
  const resolve = (pending: PendingDeletion) =>
    resolvePending({ bucket: env.BLOBS, store, segments, policy, now: at, kept: kept(), audit }, pending);

  let counts: Counts = { ...ZERO };
  let heldSessions = 0;
  let error: string | null = null;
  const tally = (pending: PendingDeletion, r: Resolved) => {
    counts = addCounts(counts, {
      sessions: pending.sessions.length,
      chunks: pending.chunks,
      exchanges: pending.exchanges,
      bodies: r.bodiesDeleted,
      bodiesKept: Object.values(r.bodiesKept).reduce((a, b) => a + b, 0),
      segments: r.segmentsDeleted,
    });
  };
  const save = (c: Cycle) => store.putState({ cycle: c, mark: cursor });

  try {
    for (const pending of await leftOver(env.BLOBS)) tally(pending, await resolve(pending));
    // Every step or batch is a handful of D1 queries, and an invocation may make only so many.
    let steps = 0;
    let batches = 0;
    let toMark: ListedSegment[] | null = null;
    while (cycle.phase !== "done" && Date.now() < deadline && steps++ < limits.steps) {
      if (cycle.phase === "mark") {
        toMark ??= await segmentsToRead(segments, cursor, at);
        const step = await markStep({
          store,
          segments,
          bucket: env.BLOBS,
          cursor,
          listed: toMark,
          limit: limits.segmentsPerStep,
        });
        cursor = step.cursor;
        toMark = step.rest;
        counts = addCounts(counts, { segmentsRead: step.segments, refRowsWritten: step.rowsWritten });
        if (toMark.length === 0) cycle.phase = "sessions";
      } else if (cycle.phase === "sessions") {
        if (batches >= limits.batches) break;
        // A hold placed while the job runs is honoured from the next batch on.
        ctx.holds = await currentHolds(holdStore);
        const batch = await sessionsBatch(ctx, cycle.frontiers, limits.sessionsPerBatch);
        heldSessions += batch.held;
        if (batch.pending) {
          batches++;
          await save(cycle);
          tally(batch.pending, await resolve(batch.pending));
        }
        if (batch.done) cycle.phase = "refs";
      } else {
        if (batches >= limits.batches) break;
        const batch = await refsBatch(ctx, cycle.refs, limits.refsPerBatch);
        cycle.refs = batch.cursor;
        if (batch.pending) {
          batches++;
          await save(cycle);
          tally(batch.pending, await resolve(batch.pending));
        }
        if (batch.done) cycle.phase = "done";
      }
      await save(cycle);
    }
  } catch (caught) {
    error = caught instanceof Error ? caught.message : "retention failed";
  }
  const last: LastRun = {
    at,
    finishedAt: Date.now(),
    trigger: ctx.trigger,
    requestedBy: ctx.requestedBy,
    phase: cycle.phase,
    done: cycle.phase === "done",
    counts,
    heldSessions,
    error,
  };
  await store.putState({
    cycle,
    mark: cursor,
    last,
    totals: addCounts(parseCounts(await store.state("totals")), counts),
  });
  if (error !== null) throw new VerbatimError("storage_unavailable", `retention stopped: ${error}`);
  return { skipped: false, ...last };
}

async function currentHolds(store: HoldStore): Promise<ActiveHolds> {
  const holds = await store.active();
  return activeHolds(holds, await store.sessionsOfCustomers(activeHolds(holds, new Map()).customers));
}

/** Deletions a run began and did not finish (pending.ts). */
async function leftOver(bucket: R2Bucket): Promise<PendingDeletion[]> {
  const listed = await bucket.list({ prefix: PENDING_PREFIX });
  const out: PendingDeletion[] = [];
  for (const object of listed.objects) {
    const body = await bucket.get(object.key);
    const pending = body ? parsePending(await body.json<unknown>().catch(() => null)) : null;
    if (pending) out.push(pending);
  }
  return out.sort((a, b) => a.at - b.at);
}

/** After a hold is lifted the cycle starts over, so the sessions it kept are met again today. */
export async function restartCycle(env: Env): Promise<void> {
  const store = new RetentionStore(indexPartitions(env));
  const cycle = parseCycle(await store.state("cycle"));
  if (cycle) await store.putState({ cycle: { ...cycle, phase: "mark", frontiers: {}, refs: null } });
}
