import type { ConfigResult } from "../config/config.ts";
import { counters } from "../log/health-counters.ts";
import type { Env } from "../env.ts";
import { ArchiveReader } from "../store/archive-reader.ts";
import { indexPartitions } from "../store/partitions.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Health: config problems, live probes of D1 and R2, this isolate's counters and the archive's failures of
 * the last 24 hours. Public (monitors need it) and free of visitor data.
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
  // Recorder faults only: client faults (counters.client) are shown but say nothing about the recorder.
  const failing = Object.values(counters.failures).some((n) => n > 0) || (recentFailures?.length ?? 0) > 0;
  const status = !config.ok ? "misconfigured" : !d1.ok || !r2.ok ? "degraded" : failing ? "degraded" : "ok";
  return {
    status,
    recording: config.ok ? config.config.recording : false,
    configErrors: config.ok ? [] : config.errors,
    checks: { d1, r2 },
    isolate: { ...counters, startedAt: new Date(counters.startedAt).toISOString() },
    recentFailures,
  };
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
