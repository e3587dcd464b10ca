import { Log, LogLevel, Miniflare } from "miniflare";
import { join } from "node:path";
import { recorderMiniflareOptions } from "../../scripts/lib/miniflare-recorder.ts";
import { childrenNamed } from "./process-cpu.ts";
import { applyMigrations, wranglerStorage, type WorkerConfig } from "./wrangler-config.ts";

export const ADMIN_TOKEN = "bench-admin-token";
export const VERBATIM_SECRET = "bench-secret-0123456789abcdef";

export type RunningWorker = {
  name: string;
  url: string;
  mf: Miniflare;
  /** The workerd process serving this instance (Worker, shards, queue consumer, D1, R2), when identified. */
  pid: number | null;
  close: () => Promise<void>;
};

/**
 * One Miniflare (workerd) instance running the bundled Worker with local R2, D1 and Durable Objects persisted
 * under `persistRoot/<name>`, recording shards and records queue included (wrangler dev's one-process
 * topology; bench/lib/topology.ts has the multi-process one). `recording: false` is the baseline: the same
 * bundle with RECORDING="off".
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
  // Every D1 database and R2 bucket wrangler.toml declares, under its binding name.
  const storage = wranglerStorage(config.configPath);
  const mf = new Miniflare({
    name: "verbatim",
    modules: true,
    scriptPath: options.scriptPath,
    compatibilityDate: config.compatibilityDate,
    compatibilityFlags: config.compatibilityFlags,
    r2Buckets: storage.r2Buckets,
    d1Databases: storage.d1Databases,
    r2Persist: join(dir, "r2"),
    d1Persist: join(dir, "d1"),
    durableObjectsPersist: join(dir, "do"),
    // The recording path: shards (Durable Objects), the records queue, its consumer and dead-letter queue.
    ...recorderMiniflareOptions(config.configPath),
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
  await applyMigrations(mf, storage.migrations);
  const spawned = childrenNamed(process.pid, "workerd").filter((pid) => !existing.has(pid));
  return {
    name,
    url,
    mf,
    pid: spawned.length === 1 ? (spawned[0] ?? null) : null,
    close: () => mf.dispose(),
  };
}
