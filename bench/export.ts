import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { benchCall, measureDay } from "./export/day-run.ts";
import { exportSection } from "./export/export-section.ts";
import { buildBenchWorker, startExportTopology, type Process } from "./export/export-topology.ts";
import { planDay, type DayFacts, type SeededDay } from "./export/seed-plan.ts";
import type { SeedCall, SeedStats } from "./export/seed-stats.ts";
import { allowedCpus, cpuMs } from "./lib/process-cpu.ts";
import { pin } from "./lib/topology.ts";
import type { Section } from "./report.ts";

/**
 * Export of a recorded day as WACZ (issue 9): a 50,000-exchange day and a 5,000-exchange one, each exported
 * by the EXPORTS Workflow in a workerd process of its own, against a plain sequential read of the same
 * bodies from the same local R2 by the same process, in the same run (export-topology.ts, day-run.ts). The
 * days are written through the recorder's write path (worker/seed-day.ts) with a shop's traffic
 * (site-model.ts), by seeding processes working in parallel.
 *
 *   BENCH_EXPORT_EXCHANGES=50000 BENCH_EXPORT_SMALL=5000   the two day sizes
 *   BENCH_EXPORT_PROFILE=0                                  no profile (by default one more export of the
 *                                                           small day runs under the V8 profiler, not timed:
 *                                                           where the export's CPU goes)
 *   BENCH_EXPORT_DECODED=1                                  also a baseline that gunzips what it reads, as
 *                                                           the blob store does (a whole extra pass per day)
 */
const BIG_DAY = "2026-11-26";
const SMALL_DAY = "2026-11-27";
/** Sessions per seeding call: small enough that both seeding processes stay busy to the end. */
const SESSIONS_PER_CALL = 25;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * One seeding call, repeated (up to 3 times) when a connection between the processes is lost under load:
 * its records are a function of the plan, so a repeat writes nothing twice (seed-day.ts).
 */
async function seedCall(seeder: Process, call: SeedCall, log: (line: string) => void): Promise<SeedStats> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await benchCall<SeedStats>(seeder.mf, "/seed", call, true);
    } catch (error) {
      if (attempt >= 3) throw error;
      log(`export: seeding ${call.day} from session ${call.from} failed (${String(error)}), once more`);
    }
  }
}

/** Runs the calls on the seeding processes, each taking the next call when it is free. */
async function seed(
  seeders: readonly Process[],
  calls: readonly SeedCall[],
  log: (line: string) => void,
): Promise<Map<string, SeedStats>> {
  const queue = [...calls];
  const total = calls.reduce((sum, c) => sum + c.sessions, 0);
  const byDay = new Map<string, SeedStats>();
  let done = 0;
  let reported = 0;
  await Promise.all(
    seeders.map(async (seeder) => {
      for (let call = queue.shift(); call; call = queue.shift()) {
        const stats = await seedCall(seeder, call, log);
        const day = byDay.get(call.day) ?? { exchanges: 0, chunks: 0, createdBodies: 0, storedBytes: 0 };
        for (const key of Object.keys(day) as (keyof SeedStats)[]) day[key] += stats[key];
        byDay.set(call.day, day);
        done += call.sessions;
        if (done - reported >= total / 5) {
          reported = done;
          log(`export: seeded ${done} of ${total} sessions`);
        }
      }
    }),
  );
  return byDay;
}

export async function runExportBench(deps: {
  /** Where wrangler.toml and the migrations come from (the Worker's source). */
  root: string;
  /** The checkout: the bench's own helper Worker is built from here. */
  benchRoot: string;
  work: string;
  scriptPath: string;
  persistRoot: string;
  log: (line: string) => void;
}): Promise<Section> {
  const { log } = deps;
  const big = planDay(BIG_DAY, Number(process.env["BENCH_EXPORT_EXCHANGES"] ?? "50000"), SESSIONS_PER_CALL);
  const small = planDay(SMALL_DAY, Number(process.env["BENCH_EXPORT_SMALL"] ?? "5000"), SESSIONS_PER_CALL);
  const profiling = process.env["BENCH_EXPORT_PROFILE"] !== "0";
  const decoded = process.env["BENCH_EXPORT_DECODED"] === "1";
  const cpus = allowedCpus();
  const pinned = cpus.length >= 2;
  const benchScriptPath = await buildBenchWorker(deps.benchRoot, deps.work);
  const storageInspectorPort = await freePort();
  const topology = await startExportTopology({
    root: deps.root,
    scriptPath: deps.scriptPath,
    benchScriptPath,
    persistRoot: deps.persistRoot,
    storageInspectorPort,
  });
  try {
    const s = topology.storage;
    const seedStarted = performance.now();
    const seeders: Process[] = [];
    for (let i = 0; i < Math.max(1, Math.min(2, cpus.length)); i++)
      seeders.push(await topology.startSeeder(`seed-${i}`));
    const processes = [s, ...seeders];
    const cpuBefore = processes.map((p) => cpuMs(p.pid) ?? 0);
    const written = await seed(seeders, [...small.calls, ...big.calls], log);
    const seedCpuS = processes.map((p, i) => ((cpuMs(p.pid) ?? 0) - (cpuBefore[i] ?? 0)) / 1000);
    await Promise.all(seeders.map((p) => p.mf.dispose()));
    const seedS = (performance.now() - seedStarted) / 1000;
    const seeded = (day: string, facts: DayFacts): SeededDay => {
      const stats = written.get(day);
      if (stats?.exchanges !== facts.exchanges)
        throw new Error(
          `seeding ${day}: ${stats?.exchanges ?? 0} exchanges written, ${facts.exchanges} planned`,
        );
      return { ...facts, chunks: stats.chunks };
    };
    const bigDay = seeded(BIG_DAY, big.facts);
    const smallDay = seeded(SMALL_DAY, small.facts);
    log(
      `export: seeded ${bigDay.exchanges} + ${smallDay.exchanges} exchanges in ${seedS.toFixed(0)} s (CPU s: ${seedCpuS.map((c) => c.toFixed(0)).join(" + ")}; ${(bigDay.bodyBytes / 1e6).toFixed(0)} MB of bodies in the big day)`,
    );
    if (pinned) await pin(s.pid, String(cpus[0]));

    const measure = async (label: string, day: string, profile: boolean) => {
      // The baseline's reader first: E is the newest workerd, idle until the export starts.
      const reader = await topology.startExporter(`${label}-reader`);
      const port = await freePort();
      const e = await topology.startExporter(label, port);
      if (pinned) for (const p of [reader, e]) await pin(p.pid, String(cpus[1]));
      try {
        return await measureDay(e, reader, s, day, {
          log,
          inspectorPort: port,
          decoded,
          profile: profile ? { storageInspectorPort, bundle: await readFile(deps.scriptPath, "utf8") } : null,
        });
      } finally {
        await Promise.all([e.mf.dispose(), reader.mf.dispose()]);
      }
    };
    const smallRun = await measure("small", SMALL_DAY, profiling);
    const bigRun = await measure("big", BIG_DAY, false);
    return exportSection({
      big: bigDay,
      small: smallDay,
      bigRun,
      smallRun,
      seedS,
      pinned,
      seeders: seeders.length,
    });
  } finally {
    await topology.close();
  }
}
