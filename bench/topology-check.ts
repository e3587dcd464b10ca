/**
 * `npx node bench/topology-check.ts [relay|dev-registry]`: proves the split topology (bench/lib/topology.ts).
 * Builds the bundle, starts the demo shop and the three processes (visitor V, background B, consumer C),
 * browses through V and checks through V's read API that every exchange was indexed; then kills C, browses
 * again, restarts C and checks whether the exchanges made while C was down were indexed too. Prints pids,
 * each process's CPU time per phase, and exits 1 if an expectation fails.
 *   relay         (default) records wait in B while C is down, as on Cloudflare: all must arrive.
 *   dev-registry  Miniflare's own cross-process queue: shows what it does with records sent while C is down.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startShop } from "./lib/shop.ts";
import { startTopology, type QueueDelivery, type Role, type Topology } from "./lib/topology.ts";
import { Visitor } from "./lib/visitor.ts";
import { removeStaleRuns } from "./lib/work-dir.ts";
import { buildWorker } from "./lib/worker-build.ts";
import { consoleFetch, DEMO_TOKENS } from "../scripts/lib/console-fetch.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const delivery: QueueDelivery = process.argv[2] === "dev-registry" ? "dev-registry" : "relay";
const workRoot = join(root, "bench", ".work");
// run-<pid>, as bench/run.ts names its directories, so removeStaleRuns cleans up after either.
const work = join(workRoot, `run-${process.pid}`);
const began = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - began) / 1000).toFixed(1)}s] ${line}`);
const ROLES: Role[] = ["visitor", "background", "consumer"];
let failed = false;
const expect = (ok: boolean, what: string) => {
  log(`${ok ? "PASS" : "FAIL"} ${what}`);
  if (!ok) failed = true;
};

/** Exchanges in the index, as the read API counts them (sum over sessions). */
async function indexedExchanges(base: string): Promise<number> {
  const response = await consoleFetch(base, "/__verbatim/api/sessions?limit=200", {
    token: DEMO_TOKENS.compliance,
  });
  if (!response.ok)
    throw new Error(`GET /__verbatim/api/sessions: ${response.status} ${await response.text()}`);
  const { sessions } = (await response.json()) as { sessions: { exchangeCount: number }[] };
  return sessions.reduce((sum, s) => sum + s.exchangeCount, 0);
}

/** Polls the index until it holds `expected` exchanges or `timeoutMs` passes; returns the last count. */
async function waitForIndex(base: string, expected: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let count = await indexedExchanges(base);
  while (count < expected && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    count = await indexedExchanges(base);
  }
  return count;
}

/** `visitors` cookie jars, ten requests each (pages, CSS, JS, JSON, images): one exchange per request. */
async function browse(base: string, visitors: number): Promise<number> {
  let sent = 0;
  await Promise.all(
    Array.from({ length: visitors }, async () => {
      const v = new Visitor(base);
      await v.get("/", "document");
      await v.get("/static/site.css", "style");
      await v.get("/static/app.js", "script");
      await v.get("/products/home-insurance", "document");
      await v.get("/api/quote?product=home-insurance", "empty");
      await v.get("/static/img/product.png", "image");
      await v.get("/products/car-insurance", "document");
      await v.get("/api/quote?product=car-insurance", "empty");
      await v.get("/static/theme.css", "style");
      await v.get("/static/img/logo.svg", "image");
      sent += v.exchanges.length;
    }),
  );
  return sent;
}

/** A process's recorder counters (its isolate's), from its own health endpoint. */
async function counters(base: string | null): Promise<string> {
  if (base === null) return "(down)";
  const health = (await (
    await consoleFetch(base, "/__verbatim/api/health", { token: DEMO_TOKENS.ops })
  ).json()) as {
    isolate: Record<string, unknown>;
  };
  const { exchangesRecorded, exchangesNotRecorded, bodiesStored, recordsQueued, recordsParked, failures } =
    health.isolate;
  return JSON.stringify({
    exchangesRecorded,
    exchangesNotRecorded,
    bodiesStored,
    recordsQueued,
    recordsParked,
    failures,
  });
}

function describe(topology: Topology): string {
  const pids = topology.pids();
  return ROLES.map((role) => `${role}=${pids[role] ?? "?"}`).join(" ");
}

/** Who each pid is, from ps: proves three distinct workerd processes, children of this Node process. */
function ps(topology: Topology): string {
  const pids = Object.values(topology.pids()).filter((p): p is number => p !== null);
  if (pids.length === 0) return "(no pids)";
  return execFileSync("ps", ["-o", "pid=,ppid=,nlwp=,comm=", "-p", pids.join(",")], {
    encoding: "utf8",
  }).trimEnd();
}

const PINS: Record<Role, string> = { visitor: "0", background: "1", consumer: "1" };

/** Pins each process and reads back every thread's affinity from /proc, to show `taskset -a` took. */
async function pinAll(topology: Topology): Promise<void> {
  const pids = topology.pids();
  const seen: string[] = [];
  for (const role of ROLES) {
    const pid = pids[role];
    if (pid === null) continue;
    await topology.pin(role, PINS[role]);
    const threads = readdirSync(`/proc/${pid}/task`).map(
      (tid) =>
        /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8"))?.[1] ??
        "?",
    );
    seen.push(`${role} ${pid} threads on cpus [${threads.join(" ")}]`);
  }
  log(`pinned: ${seen.join("; ")}`);
}

function cpuDelta(before: Record<Role, number | null>, after: Record<Role, number | null>): string {
  return ROLES.map((role) => {
    const a = after[role];
    const b = before[role];
    // A process started during the phase (the restarted consumer) counts from its start.
    return `${role} ${a === null ? "n/a" : `${(a - (b ?? 0)).toFixed(0)} ms`}`;
  }).join(", ");
}

await removeStaleRuns(workRoot);
await rm(work, { recursive: true, force: true });
await mkdir(work, { recursive: true });
const { scriptPath, bytes } = await buildWorker(root, work);
log(`bundle ${(bytes / 1024).toFixed(0)} KiB`);
const shop = await startShop();
log(`shop at ${shop.url}`);

const topology = await startTopology({
  kind: "split",
  root,
  scriptPath,
  origin: shop.url,
  persistRoot: join(work, "state"),
  queueDelivery: delivery,
  // Partial batches go at once: records flow to C continuously, so the kill below lands amid deliveries.
  batchTimeoutS: 0,
});
try {
  log(`split topology (${delivery}) ready: visitor at ${topology.visitorUrl}`);
  log(`pids ${describe(topology)}\n${ps(topology)}`);
  const distinct = new Set(Object.values(topology.pids()));
  expect(distinct.size === 3 && !distinct.has(null), "three distinct workerd processes");
  // The way a benchmark on 2 cores separates them: V on one core, B and C on the other.
  await pinAll(topology);

  // Phase 1: everything up.
  let cpu = topology.cpuMs();
  const first = await browse(topology.visitorUrl, 5);
  const indexed1 = await waitForIndex(topology.visitorUrl, first, 30_000);
  log(`phase 1: ${first} requests through V, ${indexed1} exchanges indexed`);
  log(`  shards (B): ${await counters(topology.urls().background)}`);
  log(`  cpu: ${cpuDelta(cpu, (cpu = topology.cpuMs()))}`);
  expect(indexed1 === first, "every exchange of phase 1 indexed (read through V's API)");

  // Phase 2: the consumer killed mid-run (these visitors browsing, batches in flight); visitors keep coming.
  const browsing = browse(topology.visitorUrl, 3);
  await new Promise((resolve) => setTimeout(resolve, 150));
  await topology.killConsumer();
  log(`consumer killed mid-run; pids ${describe(topology)}`);
  // And more visitors once C is surely gone.
  const second = (await browse(topology.visitorUrl, 2)) + (await browsing);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const indexed2 = await indexedExchanges(topology.visitorUrl);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const frozen = (await indexedExchanges(topology.visitorUrl)) === indexed2;
  log(`phase 2: ${second} requests, C killed 150 ms into them; index holds ${indexed2}`);
  // recordsParked > 0 would mean RECORDS.send() threw in B (the shard then parks the record for its alarm).
  log(`  shards (B): ${await counters(topology.urls().background)}`);
  log(`  cpu: ${cpuDelta(cpu, (cpu = topology.cpuMs()))}`);
  expect(frozen, "index unchanged while C is down (C really is down)");

  // Phase 3: the consumer back on the same D1/R2 state.
  await topology.restartConsumer();
  log(`consumer restarted; pids ${describe(topology)}`);
  await pinAll(topology); // a new process: pinned again
  const indexed3 = await waitForIndex(
    topology.visitorUrl,
    first + second,
    delivery === "relay" ? 30_000 : 10_000,
  );
  const third = await browse(topology.visitorUrl, 2);
  const indexed4 = await waitForIndex(topology.visitorUrl, indexed3 + third, 30_000);
  log(
    `phase 3: ${indexed3 - indexed1}/${second} of phase 2's exchanges indexed (${indexed2 - indexed1} before the kill); ` +
      `${third} new requests, index holds ${indexed4}`,
  );
  log(`  cpu: ${cpuDelta(cpu, (cpu = topology.cpuMs()))}`);
  expect(indexed1 <= indexed4, "data indexed before the kill survived the restart");
  expect(indexed4 - indexed3 === third, "every exchange after the restart indexed");
  if (delivery === "relay") expect(indexed3 - indexed1 === second, "exchanges made while C was down indexed");
  else
    log(`dev-registry: ${second - (indexed3 - indexed1)} of ${second} exchanges made while C was down lost`);
  log(
    `total cpu: ${cpuDelta({ visitor: 0, background: 0, consumer: 0 }, topology.cpuMs())} (consumer: since restart)`,
  );
} finally {
  await topology.close();
  await shop.close();
  await rm(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
