import type { Miniflare } from "miniflare";
import { consoleFetch, DEMO_TOKENS } from "../../scripts/lib/console-fetch.ts";
import { inspectIsolate, startCpuProfile, type ProfileSummary } from "../lib/cpu-profile.ts";
import { cpuMs } from "../lib/process-cpu.ts";
import { processMemory, resetPeakMemory } from "../lib/process-memory.ts";
import { BENCH_WORKER, type Process } from "./export-topology.ts";

/**
 * One measured day: the baseline read of the day's bodies (half), the export from POST to done in its own
 * export process E (progress read from the exports table in S, so E does nothing but the export), the
 * other half of the baseline.
 */
export type BaselineRun = {
  seconds: number;
  reads: number;
  storedBytes: number;
  decodedBytes: number;
  /** CPU of E and S while it ran (ms), null where /proc is unavailable. */
  cpuMs: number | null;
};

export type ExportRun = {
  id: string;
  seconds: number;
  records: number;
  archiveBytes: number;
  slices: number;
  exportCpuMs: number | null;
  storageCpuMs: number | null;
  idleMb: number | null;
  peakMb: number | null;
  /** The largest VmRSS seen while polling (a check on the kernel's peak when that could not be reset). */
  sampledPeakMb: number | null;
  /** The largest V8 heap (used) of the exporting isolate seen while polling, MB; null without an inspector. */
  heapPeakMb: number | null;
  peakReset: boolean;
};

/** Where S spent its sampled JavaScript time during the profiled export, per isolate. */
export type StorageProfile = { isolate: string; share_pct: number; top: string }[];

/** S's isolates that serve an export: the Durable Objects' host, R2, D1, and the gateway in front of them. */
const STORAGE_ISOLATES: ReadonlyArray<readonly [string, RegExp]> = [
  ["Durable Objects (evidence log, audit)", /core:user:verbatim$/],
  ["R2", /worker r2:bucket:/],
  ["D1", /worker d1:db:/],
  ["storage gateway", /storage-gateway$/],
];

export type DayResult = {
  /** The plain read in two halves: the first before the export, the second after it. */
  baseline: BaselineRun[];
  decoded: BaselineRun | null;
  exported: ExportRun;
  profile: ProfileSummary | null;
  storageProfile: StorageProfile | null;
};

const POLL_MS = 100;
/** The isolate of the recorder's bundle in E, where every Workflow step runs. */
const EXPORTING_ISOLATE = /verbatim-exporter/;
/** Functions whose inclusive share the profile reports: the candidates for where an export's time goes. */
export const WATCHED = [
  "planExport",
  "writeSlice",
  "finishExport",
  "exchange",
  "gzipSync",
  "gunzipSync",
  "sha256Label",
  "recordsOf",
  "readBody",
  "proofsOf",
  "uploadPart",
];

/** A call to the helper Worker; `entry`: it is the process's only Worker (a seeding process). */
export async function benchCall<T>(mf: Miniflare, path: string, body: object, entry = false): Promise<T> {
  const worker = await (entry ? mf.getWorker() : mf.getWorker(BENCH_WORKER));
  const response = await worker.fetch(`http://bench${path}`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const cpuOf = (e: Process, s: Process) => {
  const [a, b] = [cpuMs(e.pid), cpuMs(s.pid)];
  return a === null || b === null ? null : a + b;
};

export async function baselineRun(
  e: Process,
  s: Process,
  decode: boolean,
  part = 0,
  parts = 1,
): Promise<BaselineRun> {
  const cpu = cpuOf(e, s);
  const started = performance.now();
  const out = await benchCall<{ reads: number; storedBytes: number; decodedBytes: number; missing: number }>(
    e.mf,
    "/baseline/run",
    { decode, part, parts },
  );
  const seconds = (performance.now() - started) / 1000;
  const after = cpuOf(e, s);
  if (out.missing > 0) throw new Error(`baseline: ${out.missing} of ${out.reads} bodies missing from R2`);
  return {
    seconds,
    reads: out.reads,
    storedBytes: out.storedBytes,
    decodedBytes: out.decodedBytes,
    cpuMs: cpu === null || after === null ? null : after - cpu,
  };
}

type Row = {
  status: string;
  records: number;
  bytes: number;
  slices_done: number;
  slices_total: number | null;
  error: string | null;
};

/** Starts the export of `day` through the console API of E and waits for its row in S to say done. */
export async function exportRun(
  e: Process,
  s: Process,
  day: string,
  log: (line: string) => void,
  inspectorPort: number | null = null,
): Promise<ExportRun> {
  const db = await s.mf.getD1Database("DB");
  const idle = processMemory(e.pid);
  const peakReset = resetPeakMemory(e.pid);
  const cpu = { e: cpuMs(e.pid), s: cpuMs(s.pid) };
  const started = performance.now();
  const response = await consoleFetch(e.url, "/__verbatim/api/exports", {
    method: "POST",
    token: DEMO_TOKENS.compliance,
    body: JSON.stringify({ day }),
  });
  if (response.status !== 202) throw new Error(`POST /exports: ${response.status} ${await response.text()}`);
  const { id } = (await response.json()) as { id: string };
  let sampled = idle?.rssMb ?? 0;
  // The exporting isolate's V8 heap (Cloudflare allows an isolate 128 MB): polled over the inspector.
  let inspector = inspectorPort === null ? null : await inspectIsolate(inspectorPort, EXPORTING_ISOLATE);
  let heap = 0;
  let heapMeasured = inspector !== null;
  /** The inspector's answer, or null (and no more asking) when it gives none: the export goes on. */
  const ask = async (method: string): Promise<{ usedSize?: number } | null> => {
    if (!inspector) return null;
    try {
      return ((await inspector.call(method)) ?? null) as { usedSize?: number } | null;
    } catch (error) {
      log(`export ${day}: ${String(error)}; heap figures left out`);
      inspector.close();
      inspector = null;
      return null;
    }
  };
  let row: Row | null = null;
  let reported = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    sampled = Math.max(sampled, processMemory(e.pid)?.rssMb ?? 0);
    if (inspector) {
      const usage = await ask("Runtime.getHeapUsage");
      if (usage?.usedSize === undefined) heapMeasured = false;
      else heap = Math.max(heap, usage.usedSize / 2 ** 20);
    }
    row = await db
      .prepare("SELECT status, records, bytes, slices_done, slices_total, error FROM exports WHERE id = ?")
      .bind(id)
      .first<Row>();
    if (row?.status === "done" || row?.status === "failed") break;
    if (row && row.slices_done >= reported + 5) {
      reported = row.slices_done;
      log(`export ${day}: slice ${row.slices_done}/${row.slices_total ?? "?"}, ${row.records} records`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const after = { e: cpuMs(e.pid), s: cpuMs(s.pid) };
  const peak = processMemory(e.pid)?.peakMb ?? null;
  inspector?.close();
  if (row.status !== "done") throw new Error(`export ${id} failed: ${row.error ?? "no reason given"}`);
  const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
  return {
    id,
    seconds,
    records: row.records,
    archiveBytes: row.bytes,
    slices: row.slices_total ?? row.slices_done,
    exportCpuMs: delta(cpu.e, after.e),
    storageCpuMs: delta(cpu.s, after.s),
    idleMb: idle?.rssMb ?? null,
    peakMb: peak,
    sampledPeakMb: sampled || null,
    heapPeakMb: heapMeasured ? heap : null,
    peakReset,
  };
}

/**
 * Half the baseline, the export, the other half (and, with `decoded`, the decoding baseline); with
 * `profile`, one more export under the profiler, not timed. The baseline runs in `reader`, a process like
 * E with the same bindings, so that E holds nothing but the export when its peak memory is read; E's
 * inspector (`inspectorPort`) gives the exporting isolate's heap.
 */
export async function measureDay(
  e: Process,
  reader: Process,
  s: Process,
  day: string,
  options: {
    log: (line: string) => void;
    inspectorPort: number | null;
    decoded: boolean;
    /** Profile one more export: E's exporting isolate (named from `bundle`'s source) and S's isolates. */
    profile: { storageInspectorPort: number; bundle: string } | null;
  },
): Promise<DayResult> {
  const { log } = options;
  const prepared = await benchCall<{ reads: number }>(reader.mf, "/baseline/prepare", { day });
  log(`${day}: baseline over ${prepared.reads} body reads, half before and half after the export`);
  const first = await baselineRun(reader, s, false, 0, 2);
  const exported = await exportRun(e, s, day, log, options.inspectorPort);
  log(
    `${day}: exported ${exported.records} records, ${(exported.archiveBytes / 1e6).toFixed(1)} MB in ${exported.seconds.toFixed(1)} s, peak ${exported.peakMb?.toFixed(0)} MB`,
  );
  const second = await baselineRun(reader, s, false, 1, 2);
  const decoded = options.decoded ? await baselineRun(reader, s, true) : null;
  log(
    `${day}: baseline ${(first.seconds + second.seconds).toFixed(1)} s${decoded ? `, decoding ${decoded.seconds.toFixed(1)} s` : ""}`,
  );
  let profile: ProfileSummary | null = null;
  let storageProfile: StorageProfile | null = null;
  if (options.profile && options.inspectorPort !== null) {
    const port = options.profile.storageInspectorPort;
    const profiler = await startCpuProfile(options.inspectorPort, EXPORTING_ISOLATE);
    const storage = await Promise.all(STORAGE_ISOLATES.map(([, isolate]) => startCpuProfile(port, isolate)));
    await exportRun(e, s, day, log);
    profile = await profiler.stop(15, WATCHED, options.profile.bundle);
    storageProfile = storageShares(await Promise.all(storage.map((p) => p.stop(12))));
  }
  return { baseline: [first, second], decoded, exported, profile, storageProfile };
}

/** Each isolate's busy samples (not idle) as a share of all of S's, with its three busiest functions. */
function storageShares(profiles: readonly ProfileSummary[]): StorageProfile {
  const idle = (name: string) => /^\((idle|program)\)/.test(name);
  const busy = profiles.map((p) =>
    p.top
      .filter((row) => idle(row.function))
      .reduce((left, row) => left - (row.self_pct * p.samples) / 100, p.samples),
  );
  const total = Math.max(
    1,
    busy.reduce((a, b) => a + b, 0),
  );
  return profiles.map((p, i) => ({
    isolate: STORAGE_ISOLATES[i]?.[0] ?? "?",
    share_pct: Math.round((1000 * (busy[i] ?? 0)) / total) / 10,
    top: p.top
      .filter((row) => !idle(row.function))
      .slice(0, 3)
      .map((row) => `${row.function.replace(/ \S*:-?\d+$/, "")} ${row.self_pct}%`)
      .join(", "),
  }));
}
