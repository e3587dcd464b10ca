import type { ConfigResult } from "../config/config.ts";
import { counters } from "../log/health-counters.ts";
import type { Env } from "../env.ts";
import { ArchiveReader } from "../store/archive-reader.ts";
import { indexPartitions } from "../store/partitions.ts";
import type { ShardHealth } from "../capture/hand-off.ts";
import { shardName } from "../capture/shard-key.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Health: config problems, live probes of D1 and R2, this isolate's counters, the archive's failures of the
 * last 24 hours, dead letters, and what the recording shards hold for the queue. Free of visitor data.
 */
export async function health(config: ConfigResult, env: Env) {
  const db = env.DB;
  const bucket = env.BLOBS;
  const [d1, r2] = await Promise.all([
    probe(() => db.prepare("SELECT count(*) AS n FROM sessions").first()),
    probe(() => bucket.head("health-probe")),
  ]);
  let recentFailures: { stage: string; kind: string; count: number }[] | null = null;
  if (d1.ok) {
    try {
      recentFailures = await new ArchiveReader({ partitions: indexPartitions(env), bucket }).recentFailures(
        Date.now() - DAY_MS,
      );
    } catch {
      recentFailures = null;
    }
  }
  const [shards, deadLetters] = await Promise.all([
    shardHealth(env, config.ok ? config.config.recordingShards : 0),
    d1.ok ? deadLetterCount(db) : Promise.resolve(null),
  ]);
  // Recorder faults only: client faults (counters.client) are shown but say nothing about the recorder.
  const failing = Object.values(counters.failures).some((n) => n > 0) || (recentFailures?.length ?? 0) > 0;
  const shardsDown = shards.reachable < shards.of;
  const status = !config.ok
    ? "misconfigured"
    : !d1.ok || !r2.ok || shardsDown
      ? "degraded"
      : failing
        ? "degraded"
        : "ok";
  return {
    status,
    recording: config.ok ? config.config.recording : false,
    configErrors: config.ok ? [] : config.errors,
    checks: { d1, r2 },
    isolate: { ...counters, startedAt: new Date(counters.startedAt).toISOString() },
    recentFailures,
    /** Records the index could not take after every retry, kept in R2 under dead-letters/ (all time). */
    deadLetters,
    /** Recording shards that answered, and chunks they hold for the queue (waiting, not lost). */
    shards,
  };
}

const SHARD_TIMEOUT_MS = 2_000;

async function shardHealth(
  env: Env,
  count: number,
): Promise<{
  reachable: number;
  of: number;
  parkedChunks: number;
  notRecorded: { rateLimited: number; overQuota: number };
}> {
  const answers = await Promise.all(
    Array.from({ length: count }, (_, shard) =>
      Promise.race([
        // Inside then(): a missing or broken binding throws synchronously and must count as unreachable.
        Promise.resolve().then(() =>
          env.RECORDER.get(env.RECORDER.idFromName(shardName(shard))).shardHealth(),
        ),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), SHARD_TIMEOUT_MS)),
      ]).catch(() => null),
    ),
  );
  // The RPC's result type wraps ShardHealth; what arrives is the plain object.
  const reached = (answers as (ShardHealth | null)[]).filter((a): a is ShardHealth => a !== null);
  return {
    reachable: reached.length,
    of: count,
    parkedChunks: reached.reduce((sum, a) => sum + a.parkedChunks, 0),
    notRecorded: {
      rateLimited: reached.reduce((sum, a) => sum + a.notRecorded.rateLimited, 0),
      overQuota: reached.reduce((sum, a) => sum + a.notRecorded.overQuota, 0),
    },
  };
}

async function deadLetterCount(db: D1Database): Promise<number | null> {
  try {
    const row = await db
      .prepare("SELECT count(*) AS n FROM recorder_failures WHERE stage = 'dead_letter'")
      .first<{ n: number }>();
    return row?.n ?? 0;
  } catch {
    return null;
  }
}

async function probe(check: () => Promise<unknown>): Promise<{ ok: boolean; ms: number; error?: string }> {
  const started = Date.now();
  try {
    await check();
    return { ok: true, ms: Date.now() - started };
  } catch (error) {
    return { ok: false, ms: Date.now() - started, error: error instanceof Error ? error.name : "unknown" };
  }
}
