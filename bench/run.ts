/**
 * `npm run bench`: builds the Worker once, starts the demo shop and Miniflare instances of the bundle, runs
 * the benchmarks and writes bench/results.json + docs/benchmarks.md (see report.ts).
 *   node bench/run.ts [proxy] [storage] [replay] [mask] [mask-corpus] [capture] [export]
 *                                          run only these (default: all; cost comes with storage)
 *   BENCH_ROUNDS, BENCH_SECONDS            proxy rounds per phase (4) and seconds per round (6)
 *   BENCH_SOURCE=head (or a commit)        build and configure the Worker from that commit's tree (extracted)
 *                                          instead of the working tree; results name the source either way
 *   BENCH_INSPECT=9229                     opens the recorder visitor process's V8 inspector on that port, for
 *                                          bench/profile-visitor.ts (where its CPU goes under load)
 */
import { readFile, rm, mkdir } from "node:fs/promises";
import { removeStaleRuns } from "./lib/work-dir.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCaptureBench } from "./capture.ts";
import { runExportBench } from "./export.ts";
import { costModel } from "./cost.ts";
import { startWorker, type RunningWorker } from "./lib/miniflare-worker.ts";
import { startShop } from "./lib/shop.ts";
import { buildWorker, wranglerVersion } from "./lib/worker-build.ts";
import { readWorkerConfig } from "./lib/wrangler-config.ts";
import { runProxyBench } from "./proxy.ts";
import { mergeMaskSection, runMaskCorpusBench } from "./mask/corpus.ts";
import { runMaskBench } from "./mask/run-mask.ts";
import { runReplayBench } from "./replay.ts";
import { machineSection, readResults, writeReport, type Results } from "./report.ts";
import { runStorageBench } from "./storage.ts";
import { startTopology } from "./lib/topology.ts";
import { workerSource } from "./lib/worker-source.ts";
import { recorderMiniflareOptions } from "../scripts/lib/miniflare-recorder.ts";

/** RECORD_COALESCE_MS as wrangler.toml sets it (the Worker's default, 500 ms, when unset). */
function coalesceMs(vars: Record<string, string>): number {
  const value = Number(vars["RECORD_COALESCE_MS"] ?? "500");
  return Number.isFinite(value) ? value : 500;
}

/**
 * How long a record surely waits between a shard and D1: the coalescing window plus the records queue's
 * max_batch_timeout. Drains wait this long before their first reading.
 */
function settleDelayMs(root: string, vars: Record<string, string>): number {
  const consumers = Object.entries(recorderMiniflareOptions(join(root, "wrangler.toml")).queueConsumers);
  const records = consumers.find(([queue]) => !queue.endsWith("-dlq"))?.[1];
  return coalesceMs(vars) + (records?.maxBatchTimeout ?? 0) * 1000;
}

const root = fileURLToPath(new URL("..", import.meta.url));
// Each run gets its own directory, so two runs at once (several people or agents on one checkout) never
// delete each other's state; directories of runs whose process is gone are removed at start.
const workRoot = join(root, "bench", ".work");
const work = join(workRoot, `run-${process.pid}`);
const state = join(work, "state");
const began = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - began) / 1000).toFixed(1)}s] ${line}`);

const wanted = process.argv.slice(2);
const runs = (name: string) => wanted.length === 0 || wanted.includes(name);
const options = {
  // Several short rounds rather than a few long ones: other people's test runs on these shared 2 cores come in
  // bursts, and a median over more rounds leaves more of them out.
  rounds: Number(process.env["BENCH_ROUNDS"] ?? "4"),
  durationS: Number(process.env["BENCH_SECONDS"] ?? "6"),
  warmupS: 3,
  connections: 8,
};

await removeStaleRuns(workRoot);
await rm(work, { recursive: true, force: true });
await mkdir(state, { recursive: true });
const source = await workerSource(root, work, process.env["BENCH_SOURCE"] || "worktree");
// The Worker, its wrangler.toml and migrations come from `source.root` (the checkout, or HEAD extracted).
const workerRoot = source.root;
const { scriptPath, bytes } = await buildWorker(workerRoot, work);
log(`worker bundle ${(bytes / 1024).toFixed(0)} KiB from ${source.label}`);
const config = readWorkerConfig(workerRoot);
const shop = await startShop();
log(`shop at ${shop.url}`);

const workers: RunningWorker[] = [];
const start = async (name: string, recording: boolean) => {
  const worker = await startWorker({
    name,
    scriptPath,
    config,
    origin: shop.url,
    recording,
    persistRoot: state,
  });
  workers.push(worker);
  return worker;
};
const stop = async (worker: RunningWorker) => {
  workers.splice(workers.indexOf(worker), 1);
  await worker.close();
};

const sections: Results = {};
const failed: string[] = [];
/** Runs one benchmark; a failure is reported and the others still run and get written. */
const attempt = async (name: string, body: () => Promise<void>) => {
  if (!runs(name)) return;
  try {
    await body();
  } catch (error) {
    failed.push(name);
    // fetch() hides why it failed (refused, reset) in `cause`.
    const cause = error instanceof Error && error.cause ? `\n  cause: ${String(error.cause)}` : "";
    log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}${cause}`);
    await Promise.all([...workers].map((w) => stop(w)));
  }
};
try {
  await attempt("proxy", async () => {
    sections["proxy"] = await runProxyBench({
      // Closed by runProxyBench itself, also when it fails.
      start: (kind, name, origin) =>
        startTopology({
          kind,
          root: workerRoot,
          scriptPath,
          origin,
          persistRoot: join(state, name),
          // One RPC hop from the visitor to its shard, as on Cloudflare (topology.ts); BENCH_VISITOR_SHARDS=
          // dev-registry measures Miniflare's own path (a proxy object in V) instead.
          visitorShards: process.env["BENCH_VISITOR_SHARDS"] === "dev-registry" ? "dev-registry" : "direct",
        }),
      shopUrl: shop.url,
      options,
      settleDelayMs: settleDelayMs(workerRoot, config.vars),
      log,
    });
  });
  await attempt("storage", async () => {
    const persistRoot = join(state, "storage");
    const { section, facts } = await runStorageBench({
      // Production's split topology, queue batches as wrangler.toml sets them; closed by runStorageBench.
      start: () =>
        startTopology({
          kind: "split",
          root,
          scriptPath,
          origin: shop.url,
          persistRoot,
          visitorShards: "direct",
        }),
      persistRoot,
      workDir: work,
      sessions: 100,
      concurrency: 20,
      coalesceMs: coalesceMs(config.vars),
      settleDelayMs: settleDelayMs(workerRoot, config.vars),
      recordingShards: Number(config.vars["RECORDING_SHARDS"] ?? "8"),
      log,
    });
    sections["storage"] = section;
    sections["cost"] = costModel(facts);
  });
  await attempt("replay", async () => {
    const recorder = await start("replay", true);
    sections["replay"] = await runReplayBench({
      recorder,
      requests: Number(process.env["BENCH_REPLAY_REQUESTS"] ?? "500"),
      log,
    });
    await stop(recorder);
  });
  // Throughput and the corpus share the `mask` section; each keeps the other's last figures when run alone.
  await attempt("mask", async () => {
    const previous = (await readResults(root))["mask"];
    sections["mask"] = mergeMaskSection(await runMaskBench(root, work, log), previous);
  });
  await attempt("mask-corpus", async () => {
    const corpus = await runMaskCorpusBench(root, log);
    // Read after the corpus run: another run may have written newer throughput figures meanwhile.
    const throughput = sections["mask"] ?? (await readResults(root))["mask"];
    sections["mask"] = mergeMaskSection(throughput, corpus);
  });
  await attempt("capture", async () => {
    sections["capture"] = await runCaptureBench(root, work, log);
  });
  await attempt("export", async () => {
    // Its own processes (bench/export/export-topology.ts), closed by runExportBench, also when it fails.
    sections["export"] = await runExportBench({
      root: workerRoot,
      benchRoot: root,
      work,
      scriptPath,
      persistRoot: join(state, "export"),
      log,
    });
  });
} finally {
  await Promise.all(workers.map((w) => w.close()));
  await shop.close();
}

const miniflare = JSON.parse(
  await readFile(join(root, "node_modules", "miniflare", "package.json"), "utf8"),
) as {
  version: string;
};
const machine = await machineSection(root, {
  workerSource: source.label,
  command: [
    process.env["BENCH_SOURCE"] ? `BENCH_SOURCE=${process.env["BENCH_SOURCE"]}` : "",
    wanted.length === 0 ? "npm run bench" : `node bench/run.ts ${wanted.join(" ")}`,
  ]
    .filter(Boolean)
    .join(" "),
  wrangler: await wranglerVersion(root),
  miniflare: miniflare.version,
});
await writeReport(root, sections, machine);
log("wrote bench/results.json and docs/benchmarks.md");
for (const [key, section] of Object.entries(sections)) {
  const targets = Array.isArray(section["targets"]) ? section["targets"] : [];
  for (const t of targets) console.log(`  ${key}: ${JSON.stringify(t)}`);
}
if (failed.length > 0) {
  console.error(`failed: ${failed.join(", ")} (their previous results, if any, were kept)`);
  process.exitCode = 1;
}
