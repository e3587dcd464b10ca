import { gzipSync } from "fflate";
import { join } from "node:path";
import { d1Files, d1Size, directoryBytes, durableObjectRows, r2Size } from "./lib/archive-size.ts";
import { delta, failureCount, readHealth, readPipeline, waitForIndex } from "./lib/health.ts";
import type { QueueStats, Topology } from "./lib/topology.ts";
import { Visitor, type Exchange } from "./lib/visitor.ts";
import { writeWarc } from "./lib/warc.ts";
import type { Section, Value } from "./report.ts";
import { round } from "./lib/stats.ts";
import { consoleFetch, DEMO_TOKENS } from "../scripts/lib/console-fetch.ts";

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
  /** Body PUTs by the shards (create-only; a lost race still costs a Class A operation). */
  r2BodyPuts: number;
  /** One segment PUT per consumer batch written, plus queue-overflow objects. */
  r2SegmentPuts: number;
  r2OtherPuts: number;
  bodiesStored: number;
  d1RowsWritten: number;
  r2Bytes: number;
  d1Bytes: number;
  queueMessages: number;
  /** Chunk rows in D1: each kept a shard active for about the coalescing window. */
  chunks: number;
  queueOperations: number;
  /** RPC calls from visitor isolates to shards: Durable Object requests. */
  doRequests: number;
  /** Upper bound of the time shards were active (see storage notes), seconds. */
  doActiveSeconds: number;
  recordingShards: number;
  consumerInvocations: number;
  consumerCpuMs: number;
};

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One visit: landing page and its assets, login page, login POST (303) and the product page it leads to, a
 * quote and a cart POST from that page, the car-insurance page, the terms. The visitor pauses `thinkMs`
 * before each navigation, as people do: longer than the shards' coalescing window, so each page view (with
 * its subresources and API calls) becomes a chunk of its own, as in real browsing. Without pauses a
 * scripted visit would fit in one window and flatter chunk rows and queue messages.
 */
async function session(base: string, n: number, thinkMs: number): Promise<Exchange[]> {
  const [username, password] = CUSTOMERS[n % CUSTOMERS.length] ?? CUSTOMERS[0];
  const v = new Visitor(base);
  await v.navigate("/");
  await Promise.all(ASSETS.map(([path, dest]) => v.get(path, dest)));
  await wait(thinkMs);
  await v.navigate("/login");
  await wait(thinkMs);
  await v.submit("/login", { username, password });
  await v.get("/api/quote?product=home-insurance", "empty");
  await v.postJson("/api/cart", { product: "home-insurance", quantity: 1 });
  await wait(thinkMs);
  await v.navigate("/products/car-insurance");
  await wait(thinkMs);
  await v.navigate("/terms");
  return v.exchanges;
}

async function runSessions(base: string, count: number, concurrency: number, thinkMs: number) {
  const all: Exchange[][] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const n = next++;
      all[n] = await session(base, n, thinkMs);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return all.flat();
}

async function apiSessions(base: string): Promise<{ count: number; pageViews: number }> {
  const response = await consoleFetch(base, "/__verbatim/api/sessions?limit=200", {
    token: DEMO_TOKENS.compliance,
  });
  if (!response.ok) throw new Error(`GET /__verbatim/api/sessions: ${response.status}`);
  const { sessions } = (await response.json()) as { sessions: { pageViewCount: number }[] };
  return { count: sessions.length, pageViews: sessions.reduce((sum, s) => sum + s.pageViewCount, 0) };
}

/** What the queues carried between two readings of the relay's statistics, all queues summed. */
function queueDelta(before: QueueStats, after: QueueStats) {
  const sum = { messages: 0, deliveries: 0, bytes: 0, maxBytes: 0, operations: 0 };
  for (const [queue, a] of Object.entries(after)) {
    const b = before[queue] ?? { messages: 0, deliveries: 0, bytes: 0, maxBytes: 0, operations: 0 };
    sum.messages += a.messages - b.messages;
    sum.deliveries += a.deliveries - b.deliveries;
    sum.bytes += a.bytes - b.bytes;
    sum.operations += a.operations - b.operations;
    sum.maxBytes = Math.max(sum.maxBytes, a.maxBytes);
  }
  return sum;
}

export async function runStorageBench(deps: {
  /** Starts the split topology (visitor, shards, consumer) persisting under `persistRoot`. */
  start: () => Promise<Topology>;
  persistRoot: string;
  workDir: string;
  sessions: number;
  concurrency: number;
  coalesceMs: number;
  settleDelayMs: number;
  recordingShards: number;
  log: (line: string) => void;
}): Promise<{ section: Section; facts: StorageFacts }> {
  const { log } = deps;
  const thinkMs = deps.coalesceMs + 100;
  const topology = await deps.start();
  let measured;
  try {
    const owner = topology.storageOwner;
    const urls = topology.urls();
    if (!urls.background || !urls.consumer || !urls.visitor)
      throw new Error("a process of the topology is down");
    const pipelineUrls = { background: urls.background, consumer: urls.consumer };
    const empty = await d1Size(owner);
    const visitorBefore = (await readHealth(urls.visitor)).isolate;
    const before = await readPipeline(pipelineUrls);
    const queuesBefore = await topology.queueStats();
    const cpu0 = topology.cpuMs();
    const began = performance.now();
    const exchanges = await runSessions(topology.visitorUrl, deps.sessions, deps.concurrency, thinkMs);
    const browsedMs = performance.now() - began;
    // Records reach D1 after the coalescing window and the queue's batch timeout: measure once all are there.
    const drained = await waitForIndex(pipelineUrls, before, exchanges.length, {
      initialDelayMs: deps.settleDelayMs,
      pollMs: 250,
      stableMs: 500,
    });
    const cpu1 = topology.cpuMs();
    if (!drained.settled) log("storage: the pipeline did not settle; figures below miss records");
    const shards = delta(before.shards, drained.counters.shards);
    const consumer = delta(before.consumer, drained.counters.consumer);
    const visitor = delta(visitorBefore, (await readHealth(urls.visitor)).isolate);
    log(
      `storage: ${exchanges.length} exchanges in ${(browsedMs / 1000).toFixed(1)} s, ` +
        `${shards.exchangesRecorded} recorded, ${consumer.recordsIndexed} indexed, drain ${drained.drainMs.toFixed(0)} ms`,
    );
    measured = {
      exchanges,
      browsedMs,
      drained,
      shards,
      consumer,
      visitor,
      empty,
      cpu: {
        background: (cpu1.background ?? 0) - (cpu0.background ?? 0),
        consumer: (cpu1.consumer ?? 0) - (cpu0.consumer ?? 0),
        visitor: (cpu1.visitor ?? 0) - (cpu0.visitor ?? 0),
      },
      r2: await r2Size(owner),
      d1: await d1Size(owner),
      queue: queueDelta(queuesBefore, await topology.queueStats()),
      api: await apiSessions(topology.visitorUrl),
    };
  } finally {
    await topology.close();
  }
  // The SQLite files once no process holds them: page counts and per-table bytes (dbstat).
  const files = await d1Files(join(deps.persistRoot, "d1"));
  const doBytes = await directoryBytes(join(deps.persistRoot, "do"));
  const doRows = await durableObjectRows(join(deps.persistRoot, "do"));
  const { exchanges, shards, consumer, visitor, empty, r2, d1, queue, api, cpu } = measured;
  const chunks = d1.rows["record_chunks"] ?? 0;

  const bodies = exchanges.flatMap((e) =>
    e.requestBody ? [e.responseBody, e.requestBody] : [e.responseBody],
  );
  const servedBytes = bodies.reduce((sum, b) => sum + b.byteLength, 0);
  const gzipEach = bodies.reduce(
    (sum, b) => sum + (b.byteLength > 0 ? gzipSync(b, { level: 6 }).byteLength : 0),
    0,
  );
  const warc = await writeWarc(exchanges, join(deps.workDir, "storage.warc.gz"));
  const pageViews = exchanges.filter((e) => e.pageView).length;
  const storedBytes = r2.bytes + d1.databaseBytes;
  const d1Growth = d1.databaseBytes - empty.databaseBytes;
  const d1RowsWritten = consumer.d1RowsWritten + shards.d1RowsWritten;
  const storedRows = Object.values(d1.rows).reduce((sum, n) => sum + n, 0);
  const perExchange = (n: number) => n / exchanges.length;
  const perPageView = (n: number) => n / pageViews;
  const meanMessage = queue.bytes / Math.max(1, queue.messages);
  const doActiveSeconds = (chunks * deps.coalesceMs + cpu.background) / 1000;
  const segmentBytes = r2.byPrefix["segments"]?.bytes ?? 0;
  const bodyBytes = r2.byPrefix["sha256"]?.bytes ?? 0;
  const otherObjects = Object.entries(r2.byPrefix)
    .filter(([prefix]) => prefix !== "sha256" && prefix !== "segments")
    .reduce((sum, [, g]) => sum + g.objects, 0);
  const file = files[0];
  const tableBytes: { [key: string]: Value } = {};
  for (const f of files) for (const [name, bytes] of Object.entries(f.objects)) tableBytes[name] = bytes;
  const rowsPerPageView = perPageView(d1RowsWritten);
  const bytesPerExchange = perExchange(d1Growth);

  const section: Section = {
    method:
      `${deps.sessions} scripted browser sessions (${deps.concurrency} at a time, customers in rotation) through ` +
      "the recorder in production's split topology (visitor, shards, consumer processes; queue batches as " +
      "wrangler.toml sets them): landing page + 6 static assets, login page, login POST (303) and the product " +
      "page it leads to, quote JSON and cart POST, car-insurance page, terms; the visitor pauses " +
      `${thinkMs} ms (longer than RECORD_COALESCE_MS, ${deps.coalesceMs} ms) before each navigation, so each page ` +
      "view is a chunk of its own as in real browsing. Measured once every exchange was indexed (shards done, " +
      "consumer settled). stored_bytes = every R2 object (bodies, record segments, anything else; bucket " +
      "listed) + the D1 database size D1 reports after the run (meta.size_after: page_count x page_size, what D1 " +
      "storage is billed on). d1_bytes_per_exchange = the database's growth over the run (size after minus the " +
      "empty, migrated database measured first) per exchange; d1_rows_per_page_view = D1 rows written (D1's " +
      "meta.rows_written summed by the consumer per batch, index entries included, plus the shards' " +
      "learned-form rows; both processes' health counters) per page view. The WARC holds the same bodies decoded " +
      "(Content-Encoding dropped), unmasked, with a revisit record for each repeated payload.",
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
    r2_body_bytes: bodyBytes,
    r2_segment_bytes: segmentBytes,
    r2_by_prefix: Object.fromEntries(
      Object.entries(r2.byPrefix).map(([prefix, g]) => [prefix, `${g.objects} objects, ${g.bytes} bytes`]),
    ),
    d1_database_bytes: d1.databaseBytes,
    d1_empty_database_bytes: empty.databaseBytes,
    d1_growth_bytes: d1Growth,
    d1_bytes_per_exchange: round(bytesPerExchange, 1),
    d1_database_bytes_per_exchange: round(perExchange(d1.databaseBytes), 1),
    d1_value_bytes: d1.valueBytes,
    d1_value_bytes_per_exchange: round(perExchange(d1.valueBytes), 1),
    d1_file_bytes: file ? file.bytes : null,
    d1_rows_written: d1RowsWritten,
    d1_rows_per_page_view: round(rowsPerPageView, 3),
    d1_rows_stored: storedRows,
    d1_rows_stored_per_page_view: round(perPageView(storedRows), 3),
    d1_rows: d1.rows,
    d1_table_bytes: tableBytes,
    queue_messages: queue.messages,
    queue_deliveries: queue.deliveries,
    queue_message_bytes_mean: Math.round(meanMessage),
    queue_message_bytes_max: queue.maxBytes,
    queue_operations: queue.operations,
    chunks: chunks,
    chunks_per_page_view: round(perPageView(chunks), 3),
    do_storage_bytes: doBytes,
    do_rows_stored: doRows,
    b_c_cpu_ms_per_exchange: round(perExchange(cpu.background + cpu.consumer), 3),
    visitor_cpu_ms_per_exchange: round(perExchange(cpu.visitor), 3),
    warc_records: warc.records,
    warc_revisits: warc.revisits,
    warc_records_read_back: warc.readBack,
    recorder: {
      handed_off: visitor.handedOff,
      exchanges_recorded: shards.exchangesRecorded,
      exchanges_not_recorded: shards.exchangesNotRecorded + visitor.exchangesNotRecorded,
      records_indexed: consumer.recordsIndexed,
      batches_written: consumer.batchesWritten,
      records_parked: shards.recordsParked,
      messages_retried: consumer.messagesRetried,
      failures: failureCount(shards) + failureCount(consumer) + failureCount(visitor),
      bodies_stored: shards.bodiesStored,
      bodies_deduplicated: shards.bodiesDeduplicated,
      r2_body_puts: shards.r2Puts,
      d1_rows_written_consumer: consumer.d1RowsWritten,
      d1_rows_written_shards: shards.d1RowsWritten,
      drained_ms: Math.round(measured.drained.drainMs),
      settled: measured.drained.settled,
      api_sessions: api.count,
      api_page_views: api.pageViews,
    },
    notes: [
      `R2 holds ${r2.objects} objects: ${r2.byPrefix["sha256"]?.objects ?? 0} distinct bodies ` +
        `(${bodyBytes} bytes) and ${r2.byPrefix["segments"]?.objects ?? 0} record segments (${segmentBytes} bytes, ` +
        `${chunks} chunks); R2 is ${((100 * r2.bytes) / storedBytes).toFixed(1)}% of stored bytes, D1 ` +
        `${((100 * d1.databaseBytes) / storedBytes).toFixed(1)}%.`,
      `D1 grew ${d1Growth} bytes (${empty.databaseBytes} empty after migrations, ${d1.databaseBytes} after): ` +
        `${bytesPerExchange.toFixed(1)} bytes per exchange (${perExchange(d1.databaseBytes).toFixed(1)} counting the ` +
        `empty schema's pages too; ${perExchange(d1.valueBytes).toFixed(1)} of column values). D1 pages per table ` +
        "and index (dbstat, read from the SQLite file after the run): see d1_table_bytes.",
      `D1 rows: ${d1RowsWritten} written (${consumer.d1RowsWritten} by the consumer, ${shards.d1RowsWritten} by the ` +
        `shards' learned forms) for ${pageViews} page views, ${rowsPerPageView.toFixed(2)} per page view; ` +
        `${storedRows} rows are stored (${perPageView(storedRows).toFixed(2)} per page view). Rows written count ` +
        "index entries and upserts of a session's row, rows stored do not.",
      `Queue: ${queue.messages} messages (${perPageView(queue.messages).toFixed(2)} per page view; ${chunks} ` +
        `chunk rows), ${queue.deliveries} deliveries, mean ${Math.round(meanMessage)} bytes of JSON, largest ` +
        `${queue.maxBytes}: ${queue.operations} operations (a write and a delete per message, a read per ` +
        "delivery, each per 64 KB), counted by the relay that hands B's queue batches to C.",
      `warc_gz_dedup_bytes is ${((100 * warc.bytes) / gzipEach).toFixed(0)}% of gzip_each_bytes: ` +
        `${warc.revisits} of ${exchanges.length} responses are revisits.`,
      ...(otherObjects > 0
        ? [`${otherObjects} R2 objects outside bodies and segments (see r2_by_prefix).`]
        : []),
      `Durable Object storage: the shards hold ${doRows} rows (records parked while the queue refused: ` +
        `${shards.recordsParked}); do_storage_bytes (${doBytes}) is their SQLite files on disk, empty schemas and ` +
        "WAL, not billed data. Not counted in stored_bytes.",
    ],
    targets: [
      {
        name: "stored_bytes <= 0.5x warc_gz_dedup_bytes",
        measured: round(storedBytes / warc.bytes, 3),
        target: "<= 0.5",
        pass: storedBytes <= 0.5 * warc.bytes,
      },
      {
        name: "D1 bytes per exchange <= 150 (database growth)",
        measured: round(bytesPerExchange, 1),
        target: "<= 150",
        pass: bytesPerExchange <= 150,
      },
      {
        name: "D1 rows written per page view <= 2",
        measured: round(rowsPerPageView, 3),
        target: "<= 2",
        pass: rowsPerPageView <= 2,
      },
    ],
  };
  const facts: StorageFacts = {
    sessions: deps.sessions,
    pageViews,
    requests: exchanges.length,
    r2BodyPuts: shards.r2Puts,
    r2SegmentPuts: consumer.batchesWritten,
    r2OtherPuts: otherObjects,
    bodiesStored: shards.bodiesStored,
    d1RowsWritten,
    r2Bytes: r2.bytes,
    d1Bytes: d1.databaseBytes,
    queueMessages: queue.messages,
    chunks,
    queueOperations: queue.operations,
    doRequests: visitor.handedOff,
    doActiveSeconds,
    recordingShards: deps.recordingShards,
    consumerInvocations: consumer.batchesWritten,
    consumerCpuMs: cpu.consumer,
  };
  return { section, facts };
}
