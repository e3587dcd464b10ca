import { round } from "../lib/stats.ts";
import type { Section, Value } from "../report.ts";
import type { DayResult } from "./day-run.ts";
import type { SeededDay } from "./seed-plan.ts";

/** MB/s are 10^6 bytes per second of decoded body bytes, counted each time an exchange carries a body. */
const MB = 1e6;

/** One day's figures: wall-clock throughput, CPU-time throughput (E and S), memory. */
function dayFigures(day: SeededDay, result: DayResult) {
  const { exported } = result;
  const baselineS = result.baseline.reduce((sum, b) => sum + b.seconds, 0);
  const baselineCpu = result.baseline.every((b) => b.cpuMs !== null)
    ? result.baseline.reduce((sum, b) => sum + (b.cpuMs ?? 0), 0)
    : null;
  const exportCpu =
    exported.exportCpuMs === null || exported.storageCpuMs === null
      ? null
      : exported.exportCpuMs + exported.storageCpuMs;
  const mbS = day.bodyBytes / MB / exported.seconds;
  const baselineMbS = day.bodyBytes / MB / baselineS;
  const storedBytes = result.baseline.reduce((sum, b) => sum + b.storedBytes, 0);
  return {
    exchanges: day.exchanges,
    seconds: round(exported.seconds, 1),
    mb_s: round(mbS, 2),
    archive_mb_s: round(exported.archiveBytes / MB / exported.seconds, 2),
    records_s: Math.round(exported.records / exported.seconds),
    baseline_s: round(baselineS, 1),
    baseline_mb_s: round(baselineMbS, 2),
    baseline_stored_mb_s: round(storedBytes / MB / baselineS, 2),
    baseline_decoded_mb_s: result.decoded ? round(day.bodyBytes / MB / result.decoded.seconds, 2) : null,
    ratio: round(mbS / baselineMbS, 3),
    cpu_mb_s: exportCpu === null ? null : round(day.bodyBytes / MB / (exportCpu / 1000), 2),
    baseline_cpu_mb_s: baselineCpu === null ? null : round(day.bodyBytes / MB / (baselineCpu / 1000), 2),
    cpu_ratio: exportCpu === null || baselineCpu === null ? null : round(baselineCpu / exportCpu, 3),
    export_cpu_s: exported.exportCpuMs === null ? null : round(exported.exportCpuMs / 1000, 1),
    storage_cpu_s: exported.storageCpuMs === null ? null : round(exported.storageCpuMs / 1000, 1),
    export_cpu_ms_per_record:
      exported.exportCpuMs === null ? null : round(exported.exportCpuMs / exported.records, 3),
    archive_bytes: exported.archiveBytes,
    slices: exported.slices,
    idle_memory_mb: exported.idleMb === null ? null : Math.round(exported.idleMb),
    peak_memory_mb: exported.peakMb === null ? null : Math.round(exported.peakMb),
    sampled_peak_memory_mb: exported.sampledPeakMb === null ? null : Math.round(exported.sampledPeakMb),
    heap_peak_mb: exported.heapPeakMb === null ? null : Math.round(exported.heapPeakMb),
    peak_reset: exported.peakReset,
  };
}

export function exportSection(o: {
  big: SeededDay;
  small: SeededDay;
  bigRun: DayResult;
  smallRun: DayResult;
  seedS: number;
  pinned: boolean;
  seeders: number;
}): Section {
  const { big, small } = o;
  const b = dayFigures(big, o.bigRun);
  const sm = dayFigures(small, o.smallRun);
  const growth =
    b.peak_memory_mb !== null && sm.peak_memory_mb !== null
      ? round(b.peak_memory_mb / sm.peak_memory_mb, 3)
      : null;
  const profile = o.smallRun.profile;
  const storageProfile = o.smallRun.storageProfile;
  return {
    method: `Two days of a shop's traffic (bench/export/site-model.ts: sessions of 1-12 page views spread over the day's hours; per page view its HTML and API answers, the visitor's own, and, from the browser's cache after the first page, the site's stylesheets, scripts, fonts and product images, which all visitors share) are written through the recorder's write path by ${o.seeders} seeding process(es): bodies into R2 by the blob store (gzip unless precompressed), records by build-record.ts (record hashes), coalesced per page view by the shard's RecordChunker, indexed by the real records consumer in batches of up to 100 chunks (segments, D1 rows, evidence log leaves). Each day is then exported with POST /__verbatim/api/exports {"day"} (compliance token) and timed from that POST until its exports row says done (read from D1 every 100 ms). The baseline reads the same bodies (one R2 GET and arrayBuffer() per body, each time an exchange carries one, in record order, one after another) from the same R2 through the same gateway, by a helper Worker in a process set up as E is (same bundle, bindings and core; a process of its own so that E's memory is the export's alone): the first half before the export, the second after it. MB/s count decoded body bytes (10^6) for both, so ratio is the baseline's time over the export's; archive_mb_s counts the WACZ's bytes. cpu_* divide by CPU time (utime+stime of E and S) instead of wall time, which the machine's other load does not inflate. baseline_decoded_mb_s (only with BENCH_EXPORT_DECODED=1) also gunzips, as the blob store does. Peak memory: VmHWM of the export's workerd process, restarted (clear_refs) just before the POST, one fresh process per day; heap_peak_mb: the largest V8 heap in use of the exporting isolate, polled over workerd's inspector every 100 ms (on Cloudflare an isolate may use 128 MB).`,
    topology: `Storage process S (local D1 and R2 with the gateway other processes use, the evidence log and audit Durable Objects) and, per day, a fresh export process E (the recorder's bundle with the EXPORTS Workflow and the console API that starts it; D1 and R2 through S's gateway, Durable Objects in S through the dev registry) with a twin R that reads the baseline${o.pinned ? ", S pinned with taskset to one core, E and R to the other" : " (not pinned: fewer than 2 CPUs allowed)"}. E runs nothing but the export, as the Workflow runs on Cloudflare off the visitor's isolate; D1, R2 and the log are services on other machines there, here S. The seeding processes are gone before anything is measured.`,
    exchanges: big.exchanges,
    exchanges_small: small.exchanges,
    mb_s: b.mb_s,
    records_s: b.records_s,
    baseline_mb_s: b.baseline_mb_s,
    ratio: b.ratio,
    cpu_ratio: b.cpu_ratio,
    archive_bytes: b.archive_bytes,
    archive_mb_s: b.archive_mb_s,
    peak_memory_mb: b.peak_memory_mb,
    peak_memory_mb_small: sm.peak_memory_mb,
    peak_memory_growth: growth,
    seconds: b.seconds,
    export_cpu_ms_per_record: b.export_cpu_ms_per_record,
    sessions: big.sessions,
    page_views: big.pageViews,
    chunks: big.chunks,
    bodies: big.bodies,
    body_bytes: big.bodyBytes,
    unique_bodies: big.uniqueBodies,
    unique_body_bytes: big.uniqueBytes,
    duplicate_byte_ratio: round(1 - big.uniqueBytes / big.bodyBytes, 3),
    seed_s: round(o.seedS, 1),
    days: [
      { day: "big", ...b },
      { day: "small", ...sm },
    ] as Value,
    ...(profile ? { profile_functions: profile.functions, profile_top: profile.top as Value } : {}),
    ...(storageProfile ? { profile_storage: storageProfile as Value } : {}),
    targets: [
      {
        name: "export throughput / sequential R2 read of the same bodies (wall)",
        measured: b.ratio,
        target: "≥ 0.5",
        pass: b.ratio >= 0.5,
      },
      {
        name: "the same in CPU time (E and S): what the machine's other load does not skew",
        measured: b.cpu_ratio,
        target: "≥ 0.5",
        pass: b.cpu_ratio !== null && b.cpu_ratio >= 0.5,
      },
      {
        name: `peak memory, ${big.exchanges} vs ${small.exchanges} exchanges`,
        measured: growth,
        target: "≤ 1.25 (flat)",
        pass: growth !== null && growth <= 1.25,
      },
    ],
    notes: [
      "Miniflare runs D1 and R2 locally (SQLite and files, served by workerd) behind an HTTP gateway: a local R2 GET costs S about a millisecond of CPU, so both the export and the baseline pay the emulator; production R2 GETs take longer but cost the Worker no CPU, and overlap with the export's read-ahead of 8 bodies.",
      ...(profile
        ? [
            "profile_*: one more export of the small day under workerd's inspector (V8 sampling), not timed. profile_top and profile_functions (inclusive) are shares of all samples of E's exporting isolate, idle included. profile_storage: how S's sampled busy JavaScript time divides among its isolates (native work a call waits on, such as SQLite in a Durable Object, counts in the calling function).",
          ]
        : []),
    ],
  };
}
