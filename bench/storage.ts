import { gzipSync } from "fflate";
import { join } from "node:path";
import { d1Size, r2Size } from "./lib/archive-size.ts";
import { delta, readHealth, waitForRecorder, failureCount } from "./lib/health.ts";
import { ADMIN_TOKEN, type RunningWorker } from "./lib/miniflare-worker.ts";
import { Visitor, type Exchange } from "./lib/visitor.ts";
import { writeWarc } from "./lib/warc.ts";
import type { Section } from "./report.ts";
import { round } from "./lib/stats.ts";

const CUSTOMERS = [
  ["alice", "alice-pass"],
  ["bob", "bob-pass"],
  ["carol", "carol-pass"],
] as const;
const ASSETS = [
  ["/static/site.css", "style"],
  ["/static/theme.css", "style"],
  ["/static/app.js", "script"],
  ["/static/img/logo.svg", "image"],
  ["/static/img/product.png", "image"],
  ["/static/fonts/inter-400.woff2", "font"],
] as const;

/** What the cost model needs from the storage run. */
export type StorageFacts = {
  sessions: number;
  pageViews: number;
  requests: number;
  r2Puts: number;
  bodiesStored: number;
  d1RowsWritten: number;
  r2Bytes: number;
  d1Bytes: number;
};

/** One visit: anonymous landing page and its assets, sign-in, a product, a quote, the cart, the terms. */
async function session(base: string, n: number): Promise<Exchange[]> {
  const [username, password] = CUSTOMERS[n % CUSTOMERS.length] ?? CUSTOMERS[0];
  const v = new Visitor(base);
  await v.navigate("/");
  await Promise.all(ASSETS.map(([path, dest]) => v.get(path, dest)));
  await v.navigate("/login");
  await v.submit("/login", { username, password });
  await v.get("/api/quote?product=home-insurance", "empty");
  await v.postJson("/api/cart", { product: "home-insurance", quantity: 1 });
  await v.navigate("/products/car-insurance");
  await v.navigate("/terms");
  return v.exchanges;
}

async function runSessions(base: string, count: number, concurrency: number): Promise<Exchange[]> {
  const all: Exchange[][] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const n = next++;
      all[n] = await session(base, n);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return all.flat();
}

async function apiSessions(base: string): Promise<{ count: number; pageViews: number }> {
  const response = await fetch(`${base}/__verbatim/api/sessions?limit=200`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  if (!response.ok) throw new Error(`GET /__verbatim/api/sessions: ${response.status}`);
  const { sessions } = (await response.json()) as { sessions: { pageViewCount: number }[] };
  return { count: sessions.length, pageViews: sessions.reduce((sum, s) => sum + s.pageViewCount, 0) };
}

export async function runStorageBench(deps: {
  recorder: RunningWorker;
  workDir: string;
  sessions: number;
  log: (line: string) => void;
}): Promise<{ section: Section; facts: StorageFacts }> {
  const { recorder, log } = deps;
  const before = (await readHealth(recorder.url)).isolate;
  const exchanges = await runSessions(recorder.url, deps.sessions, 4);
  const drained = await waitForRecorder(recorder.url, before, exchanges.length);
  const counters = delta(before, drained.counters);
  log(`storage: ${exchanges.length} exchanges, ${counters.exchangesRecorded} recorded`);

  const bodies = exchanges.flatMap((e) =>
    e.requestBody ? [e.responseBody, e.requestBody] : [e.responseBody],
  );
  const servedBytes = bodies.reduce((sum, b) => sum + b.byteLength, 0);
  const gzipEach = bodies.reduce(
    (sum, b) => sum + (b.byteLength > 0 ? gzipSync(b, { level: 6 }).byteLength : 0),
    0,
  );
  const warc = await writeWarc(exchanges, join(deps.workDir, "storage.warc.gz"));
  const r2 = await r2Size(recorder.mf);
  const d1 = await d1Size(recorder.mf);
  const api = await apiSessions(recorder.url);
  const pageViews = exchanges.filter((e) => e.pageView).length;
  const storedBytes = r2.bytes + d1.databaseBytes;
  const perExchange = (n: number) => Math.round(n / exchanges.length);
  const topColumns = Object.entries(d1.exchangeColumns)
    .slice(0, 6)
    .map(([name, bytes]) => `${name} ${perExchange(bytes)}`)
    .join(", ");

  const section: Section = {
    method:
      `${deps.sessions} scripted browser sessions (4 at a time, customers in rotation) through the recorder: ` +
      "landing page + 6 static assets, login page, login POST (303) and the product page it leads to, quote JSON, " +
      "cart POST, car-insurance page, terms. stored_bytes = R2 object sizes (bucket listed) + the D1 database " +
      "size D1 reports (meta.size_after: pages incl. indexes, what D1 storage is billed on); d1_value_bytes (sum " +
      "of all column values, no overhead) is shown for comparison. The WARC holds the same " +
      "bodies decoded (Content-Encoding dropped), unmasked, with a revisit record for each repeated payload.",
    sessions: deps.sessions,
    page_views: pageViews,
    requests: exchanges.length,
    served_bytes: servedBytes,
    stored_bytes: storedBytes,
    gzip_each_bytes: gzipEach,
    warc_gz_dedup_bytes: warc.bytes,
    stored_to_served_ratio: round(storedBytes / servedBytes, 3),
    stored_to_warc_ratio: round(storedBytes / warc.bytes, 3),
    r2_bytes: r2.bytes,
    r2_objects: r2.objects,
    r2_objects_gzip: r2.gzip,
    r2_objects_identity: r2.identity,
    d1_database_bytes: d1.databaseBytes,
    d1_value_bytes: d1.valueBytes,
    d1_rows: d1.rows,
    d1_bytes_per_exchange: perExchange(d1.databaseBytes),
    warc_records: warc.records,
    warc_revisits: warc.revisits,
    warc_records_read_back: warc.readBack,
    recorder: {
      exchanges_recorded: counters.exchangesRecorded,
      exchanges_not_recorded: counters.exchangesNotRecorded,
      failures: failureCount(counters),
      bodies_stored: counters.bodiesStored,
      bodies_deduplicated: counters.bodiesDeduplicated,
      r2_puts: counters.r2Puts,
      d1_rows_written: counters.d1RowsWritten,
      drained_ms: Math.round(drained.drainMs),
      api_sessions: api.count,
      api_page_views: api.pageViews,
    },
    notes: [
      `${r2.objects} distinct bodies in R2 for ${exchanges.length} exchanges: R2 is ` +
        `${((100 * r2.bytes) / storedBytes).toFixed(1)}% of stored bytes, D1 ${((100 * d1.databaseBytes) / storedBytes).toFixed(1)}%.`,
      `D1 takes ${perExchange(d1.databaseBytes)} bytes per exchange (${perExchange(d1.valueBytes)} of column values). ` +
        `Largest exchanges columns, bytes per row: ${topColumns}.`,
      `warc_gz_dedup_bytes is ${((100 * warc.bytes) / gzipEach).toFixed(0)}% of gzip_each_bytes: ` +
        `${warc.revisits} of ${exchanges.length} responses are revisits.`,
    ],
    targets: [
      {
        name: "stored_bytes <= warc_gz_dedup_bytes",
        measured: storedBytes,
        target: `<= ${warc.bytes}`,
        pass: storedBytes <= warc.bytes,
      },
    ],
  };
  const facts: StorageFacts = {
    sessions: deps.sessions,
    pageViews,
    requests: exchanges.length,
    r2Puts: counters.r2Puts,
    bodiesStored: counters.bodiesStored,
    d1RowsWritten: counters.d1RowsWritten,
    r2Bytes: r2.bytes,
    d1Bytes: d1.databaseBytes,
  };
  return { section, facts };
}
