/**
 * `npm run bench`: builds the Worker once, starts the demo shop and Miniflare instances of the bundle, runs
 * the benchmarks and writes bench/results.json + docs/benchmarks.md (see report.ts).
 *   node bench/run.ts [proxy] [storage] [replay] [mask] [mask-corpus] [capture]
 *                                          run only these (default: all; cost comes with storage)
 *   BENCH_ROUNDS, BENCH_SECONDS            proxy rounds per phase (3) and seconds per round (10)
 */
import { readFile, rm, mkdir } from "node:fs/promises";
import { removeStaleRuns } from "./lib/work-dir.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCaptureBench } from "./capture.ts";
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
  rounds: Number(process.env["BENCH_ROUNDS"] ?? "3"),
  durationS: Number(process.env["BENCH_SECONDS"] ?? "10"),
  warmupS: 3,
  connections: 8,
};

await removeStaleRuns(workRoot);
await rm(work, { recursive: true, force: true });
await mkdir(state, { recursive: true });
const { scriptPath, bytes } = await buildWorker(root, work);
log(`worker bundle ${(bytes / 1024).toFixed(0)} KiB`);
const config = readWorkerConfig(root);
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
    log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await Promise.all([...workers].map((w) => stop(w)));
  }
};
try {
  await attempt("proxy", async () => {
    const passthrough = await start("passthrough", false);
    const recorder = await start("recorder", true);
    sections["proxy"] = await runProxyBench({ passthrough, recorder, shopUrl: shop.url, options, log });
    await stop(passthrough);
    await stop(recorder);
  });
  await attempt("storage", async () => {
    const recorder = await start("storage", true);
    const { section, facts } = await runStorageBench({
      recorder,
      workDir: work,
      sessions: 100,
      log,
    });
    sections["storage"] = section;
    sections["cost"] = costModel(facts);
    await stop(recorder);
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
