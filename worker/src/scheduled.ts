import type { Env } from "./env.ts";
import { evidenceLog } from "./evidence/evidence-log.ts";
import { VerbatimError } from "./errors/verbatim-error.ts";
import { errorKind, log } from "./log/log.ts";
import { runRetention } from "./retention/run-retention.ts";

/**
 * What the cron trigger runs (wrangler.toml [triggers], hourly). Jobs are independent: one failing is
 * logged and the others still run. Each job is idempotent, so a missed or repeated hour costs nothing.
 */
const JOBS: ReadonlyArray<readonly [name: string, run: (env: Env, at: number) => Promise<unknown>]> = [
  // A signed tree head at least hourly, over everything indexed so far (none if the log has not grown).
  ["checkpoint", (env, at) => evidenceLog(env).sign(at)],
  // Retention completes one cycle per UTC day, resuming hourly until it has (retention/run-retention.ts).
  ["retention", (env, at) => runRetention(env, at)],
];

export async function runScheduled(env: Env, at: number): Promise<void> {
  const results = await Promise.allSettled(JOBS.map(([, run]) => run(env, at)));
  results.forEach((result, i) => {
    if (result.status === "rejected")
      log("error", "scheduled_job_failed", {
        job: JOBS[i]?.[0] ?? "unknown",
        // Only the recorder's own messages: a platform error's text could quote a key or a URL.
        reason: result.reason instanceof VerbatimError ? result.reason.message : errorKind(result.reason),
      });
  });
}
