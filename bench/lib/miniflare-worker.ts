import { Log, LogLevel, Miniflare } from "miniflare";
import { join } from "node:path";
import { childrenNamed } from "./process-cpu.ts";
import type { WorkerConfig } from "./wrangler-config.ts";
import { migrationStatements } from "./wrangler-config.ts";

export const ADMIN_TOKEN = "bench-admin-token";
const VERBATIM_SECRET = "bench-secret-0123456789abcdef";

export type RunningWorker = {
  name: string;
  url: string;
  mf: Miniflare;
  /** The workerd process serving this instance (Worker, local D1 and R2), when it could be identified. */
  pid: number | null;
  close: () => Promise<void>;
};

/**
 * One Miniflare (workerd) instance running the bundled Worker with local R2 and D1 persisted under
 * `persistRoot/<name>`. `recording: false` is the baseline: the same bundle with RECORDING="off".
 */
export async function startWorker(options: {
  name: string;
  scriptPath: string;
  config: WorkerConfig;
  origin: string;
  recording: boolean;
  persistRoot: string;
}): Promise<RunningWorker> {
  const { name, config } = options;
  const existing = new Set(childrenNamed(process.pid, "workerd"));
  const dir = join(options.persistRoot, name);
  const mf = new Miniflare({
    name: "verbatim",
    modules: true,
    scriptPath: options.scriptPath,
    compatibilityDate: config.compatibilityDate,
    compatibilityFlags: config.compatibilityFlags,
    r2Buckets: ["BLOBS"],
    d1Databases: { DB: "verbatim-bench" },
    r2Persist: join(dir, "r2"),
    d1Persist: join(dir, "d1"),
    bindings: {
      ...config.vars,
      ORIGIN: options.origin,
      RECORDING: options.recording ? "on" : "off",
      VERBATIM_SECRET,
      ADMIN_TOKEN,
    },
    host: "127.0.0.1",
    port: 0,
    // No per-request logging through Node and no network fetch of Request.cf: both would tax the run.
    logRequests: false,
    cf: false,
    log: new Log(LogLevel.WARN),
  });
  const url = (await mf.ready).origin;
  const db = await mf.getD1Database("DB");
  for (const statement of await migrationStatements(config.migrationsDir)) await db.prepare(statement).run();
  const spawned = childrenNamed(process.pid, "workerd").filter((pid) => !existing.has(pid));
  return {
    name,
    url,
    mf,
    pid: spawned.length === 1 ? (spawned[0] ?? null) : null,
    close: () => mf.dispose(),
  };
}
