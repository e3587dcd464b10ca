import { round } from "./lib/stats.ts";
import type { Section } from "./report.ts";
import type { StorageFacts } from "./storage.ts";

/** Cloudflare list prices used by the model (TOOLCHAIN.md, Nov 2026); free tiers ignored. */
export const PRICES = {
  r2ClassAPerMillion: 4.5,
  r2ClassBPerMillion: 0.36,
  r2StoragePerGbMonth: 0.015,
  d1RowsWrittenPerMillion: 1.0,
  d1StoragePerGbMonth: 0.75,
  queueOperationsPerMillion: 0.4,
  doRequestsPerMillion: 0.15,
  doGbSecondsPerMillion: 12.5,
  workersRequestsPerMillion: 0.3,
  workersCpuMsPerMillion: 0.02,
} as const;

/** Memory a Durable Object is billed for while active: 128 MB, as Cloudflare's examples count it (128/1024). */
const DO_GB = 0.125;
const GB = 1e9;
const MILLION = 1e6;
const MONTH_S = 30 * 24 * 3600;

/**
 * USD per million page views from the storage run's counters, scaled linearly. Storage assumes one month's
 * retention of a million page views' bytes. Workers requests count every request of a page view (document,
 * assets, API calls): a pass-through Worker on the same route pays those too, so the recording's own cost
 * is shown without them as well.
 *
 * Durable Object duration is billed per wall-clock second an object is active (128 MB). A shard is active
 * while a hand-off to it is in flight, and a hand-off lasts until its chunk leaves: about the coalescing
 * window after the chunk's first record arrived. So the run's active time is at most (chunks x
 * RECORD_COALESCE_MS + the shards' process CPU time, standing in for the work): exact when no two chunks of a
 * shard overlap (low traffic), an over-estimate otherwise, since overlapping chunks share the shard's active
 * time. At high traffic the bound that matters is the fleet's: RECORDING_SHARDS objects always active.
 */
export function costModel(facts: StorageFacts): Section {
  const perPageView = (n: number) => n / facts.pageViews;
  const doGbSeconds = facts.doActiveSeconds * DO_GB;
  const lines = {
    r2_class_a:
      perPageView(facts.r2BodyPuts + facts.r2SegmentPuts + facts.r2OtherPuts) * PRICES.r2ClassAPerMillion,
    // Each new body is HEADed before its PUT (recorder/store-body.ts): at least as many HEADs as body PUTs.
    r2_class_b_heads: perPageView(facts.r2BodyPuts) * PRICES.r2ClassBPerMillion,
    r2_storage: ((perPageView(facts.r2Bytes) * MILLION) / GB) * PRICES.r2StoragePerGbMonth,
    d1_rows_written: perPageView(facts.d1RowsWritten) * PRICES.d1RowsWrittenPerMillion,
    d1_storage: ((perPageView(facts.d1Bytes) * MILLION) / GB) * PRICES.d1StoragePerGbMonth,
    queue_operations: perPageView(facts.queueOperations) * PRICES.queueOperationsPerMillion,
    do_requests: perPageView(facts.doRequests) * PRICES.doRequestsPerMillion,
    do_duration: perPageView(doGbSeconds) * PRICES.doGbSecondsPerMillion,
    consumer_requests: perPageView(facts.consumerInvocations) * PRICES.workersRequestsPerMillion,
    consumer_cpu: perPageView(facts.consumerCpuMs) * PRICES.workersCpuMsPerMillion,
    workers_requests: perPageView(facts.requests) * PRICES.workersRequestsPerMillion,
  };
  const total = Object.values(lines).reduce((sum, v) => sum + v, 0);
  const fleetUsdPerMonth = facts.recordingShards * DO_GB * MONTH_S * (PRICES.doGbSecondsPerMillion / MILLION);
  // Page views a month above which the always-active fleet is cheaper than the per-chunk bound above.
  const fleetBreakEven = lines.do_duration > 0 ? (fleetUsdPerMonth / lines.do_duration) * MILLION : 0;
  const r2Puts = facts.r2BodyPuts + facts.r2SegmentPuts + facts.r2OtherPuts;
  return {
    method:
      "From the storage run (split topology, every exchange indexed). R2 Class A: the shards' body PUTs (r2Puts), " +
      "one segment PUT per consumer batch (batchesWritten) and any other object (queue overflow); Class B: one " +
      "HEAD per body PUT (a lower bound). D1 rows written: meta.rows_written summed by the consumer (index " +
      "entries included) plus the shards' learned-form rows. Bytes: every R2 object and the D1 database size. " +
      "Queue operations: a write and a delete per message and a read per delivery, each per 64 KB (counted where " +
      "B's queue hands batches to C, dead-letter queue included). Durable Objects: one request per hand-off (the visitor's handedOff counter); duration as " +
      "explained in the notes. Consumer: one Workers request per batch, its process's CPU time priced as Workers " +
      "CPU (local CPU, an over-estimate: it includes Miniflare's own work). GB = 10^9 bytes. The visitor Worker's " +
      "added CPU time (proxy.visitor_cpu_ms_per_request minus the pass-through's) and D1 rows read are not priced.",
    r2_puts_per_1k_page_views: round(perPageView(r2Puts) * 1000, 1),
    d1_rows_per_1k_page_views: round(perPageView(facts.d1RowsWritten) * 1000, 1),
    queue_operations_per_1k_page_views: round(perPageView(facts.queueOperations) * 1000, 1),
    do_requests_per_1k_page_views: round(perPageView(facts.doRequests) * 1000, 1),
    do_gb_seconds_per_1k_page_views: round(perPageView(doGbSeconds) * 1000, 2),
    requests_per_page_view: round(perPageView(facts.requests), 2),
    stored_bytes_per_page_view: Math.round(perPageView(facts.r2Bytes + facts.d1Bytes)),
    usd_per_million_page_views: round(total, 4),
    recording_usd_per_million_page_views: round(total - lines.workers_requests, 4),
    breakdown_usd_per_million_page_views: Object.fromEntries(
      Object.entries(lines).map(([name, usd]) => [name, round(usd, 4)]),
    ),
    do_fleet_usd_per_month: round(fleetUsdPerMonth, 2),
    prices: { ...PRICES },
    notes: [
      `Largest lines: ${Object.entries(lines)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([name, usd]) => `${name} $${usd.toFixed(3)} (${((100 * usd) / total).toFixed(0)}%)`)
        .join(", ")} of $${total.toFixed(3)} per million page views.`,
      `Durable Object duration: the shards were active at most ${facts.doActiveSeconds.toFixed(1)} s for ` +
        `${facts.pageViews} page views (${facts.chunks} chunks x RECORD_COALESCE_MS + the shards' process ` +
        `CPU time), ${(perPageView(doGbSeconds) * 1000).toFixed(2)} GB-s per 1,000 page views at 128 MB. That is ` +
        "the low-traffic case (no two chunks of a shard overlap); with traffic, chunks overlap and the cost per " +
        `page view falls, bounded by ${facts.recordingShards} shards (RECORDING_SHARDS) always active: ` +
        `$${fleetUsdPerMonth.toFixed(2)} a month, which is below the per-chunk figure above about ` +
        `${(fleetBreakEven / MILLION).toFixed(1)} million page views a month.`,
      ...(facts.r2BodyPuts > facts.bodiesStored
        ? [
            `${facts.r2BodyPuts} body PUTs for ${facts.bodiesStored} new bodies: concurrent visitors fetching the same ` +
              "new asset each PUT it before either knows the other did (the create-only PUT that loses still costs " +
              "a Class A operation).",
          ]
        : []),
      `Storage lines price one month of a million page views' bytes ` +
        `(${((perPageView(facts.r2Bytes + facts.d1Bytes) * MILLION) / GB).toFixed(2)} GB); retention is ` +
        "cumulative, so N months of retention multiply them by up to N.",
    ],
  };
}
