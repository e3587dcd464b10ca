import { round } from "./lib/stats.ts";
import type { Section } from "./report.ts";
import type { StorageFacts } from "./storage.ts";

/** Cloudflare list prices used by the model (TOOLCHAIN.md, Nov 2026); free tiers ignored. */
export const PRICES = {
  r2ClassAPerMillion: 4.5,
  r2StoragePerGbMonth: 0.015,
  d1RowsWrittenPerMillion: 1.0,
  d1StoragePerGbMonth: 0.75,
  workersRequestsPerMillion: 0.3,
} as const;

const GB = 1e9;
const MILLION = 1e6;

/**
 * USD per million page views from the storage run's counters, scaled linearly. Storage assumes one
 * month's retention of a million page views' bytes. Workers requests count every request of a page
 * view (document, assets, API calls): a pass-through Worker on the same route pays those too, so the
 * recording's own cost is shown without them as well.
 */
export function costModel(facts: StorageFacts): Section {
  const perPageView = (n: number) => n / facts.pageViews;
  const lines = {
    r2_class_a: perPageView(facts.r2Puts) * PRICES.r2ClassAPerMillion,
    r2_storage: ((perPageView(facts.r2Bytes) * MILLION) / GB) * PRICES.r2StoragePerGbMonth,
    d1_rows_written: perPageView(facts.d1RowsWritten) * PRICES.d1RowsWrittenPerMillion,
    d1_storage: ((perPageView(facts.d1Bytes) * MILLION) / GB) * PRICES.d1StoragePerGbMonth,
    workers_requests: perPageView(facts.requests) * PRICES.workersRequestsPerMillion,
  };
  const total = Object.values(lines).reduce((sum, v) => sum + v, 0);
  return {
    method:
      "From the storage run: R2 PUTs and D1 rows written are the recorder's health counters (r2Puts, " +
      "d1RowsWritten = sum of D1 meta.rows_written, which counts index entries too); bytes are the storage " +
      "run's R2 object sizes and D1 database size (meta.size_after). GB = 10^9 bytes. D1 rows read and Workers CPU time are not priced.",
    r2_puts_per_1k_page_views: round(perPageView(facts.r2Puts) * 1000, 1),
    d1_rows_per_1k_page_views: round(perPageView(facts.d1RowsWritten) * 1000, 1),
    requests_per_page_view: round(perPageView(facts.requests), 2),
    stored_bytes_per_page_view: Math.round(perPageView(facts.r2Bytes + facts.d1Bytes)),
    usd_per_million_page_views: round(total, 4),
    recording_usd_per_million_page_views: round(total - lines.workers_requests, 4),
    breakdown_usd_per_million_page_views: Object.fromEntries(
      Object.entries(lines).map(([name, usd]) => [name, round(usd, 4)]),
    ),
    prices: { ...PRICES },
    notes: [
      `D1 rows written are ${((100 * lines.d1_rows_written) / total).toFixed(0)}% of the total: ` +
        `${(facts.d1RowsWritten / facts.requests).toFixed(1)} rows per exchange (each row plus every index entry it changes).`,
      ...(facts.r2Puts > facts.bodiesStored
        ? [
            `${facts.r2Puts} R2 PUTs for ${facts.bodiesStored} new bodies: concurrent visitors fetching the same new ` +
              "asset each PUT it before either has indexed it (the create-only PUT that loses still costs a Class A operation).",
          ]
        : []),
      `Storage lines price one month of a million page views' bytes (${((perPageView(facts.r2Bytes + facts.d1Bytes) * MILLION) / GB).toFixed(2)} GB); ` +
        "retention is cumulative, so N months of retention multiply them by up to N.",
    ],
  };
}
