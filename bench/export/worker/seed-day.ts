import type { Env } from "../../../worker/src/env.ts";
import type { MaskFinding } from "../../../worker/src/mask/context.ts";
import { consumeRecords } from "../../../worker/src/persist/consume-records.ts";
import { RecordChunker } from "../../../worker/src/persist/record-chunker.ts";
import { buildRecord } from "../../../worker/src/record/build-record.ts";
import type { ChunkMessage, RecordMessage } from "../../../worker/src/record/record-message.ts";
import type { BlobRow } from "../../../worker/src/record/rows.ts";
import { isPageView } from "../../../worker/src/recorder/page-view.ts";
import { classify, PRECOMPRESSED_CLASSES } from "../../../worker/src/snapshot/content-class.ts";
import { sessionExchangeId } from "../../../worker/src/snapshot/ids.ts";
import { sha256Hex } from "../../../worker/src/snapshot/record-hash.ts";
import { R2BlobStore } from "../../../worker/src/store/blob-store.ts";
import { makeBody } from "./body-maker.ts";
import { fnv1a, rng } from "../prng.ts";
import type { SeedCall, SeedStats } from "../seed-stats.ts";
import { sessionPlan, type BodySpec, type PlannedExchange, type PlannedSession } from "../site-model.ts";

/**
 * Writes planned sessions through the recorder's own write path from the point where a recording shard has
 * masked an exchange: bodies into R2 by the blob store (content-addressed, gzip unless precompressed),
 * records by build-record.ts (record hash and all), coalesced per session by the shard's RecordChunker,
 * then handed in batches of up to 100 chunks (the queue's max_batch_size) to the real records consumer,
 * which writes the segment, the index rows and the evidence log's leaves. Only the proxying and masking
 * are skipped: the plan's headers and bodies are already what masking leaves. The helper Worker is given
 * the recorder's Env type, but only what the consumer touches is bound: BLOBS, DB and EVIDENCE.
 */

const POLICY = "demo-shop-1";
const BATCH_CHUNKS = 100;
const STORE_CONCURRENCY = 16;
/** The shard rewrites a session's row at most once a minute (recorder/record-exchange.ts). */
const SESSION_REFRESH_MS = 60_000;

type Stored = { digest: string; size: number; row: BlobRow };
/** Shared assets by key and every digest stored, kept for the isolate's life (a shard's knownBlobs). */
const assets = new Map<string, Stored>();
const stored = new Map<string, BlobRow>();

/** The day's manifest of body digests in record order (what the baseline reads), one object per call. */
export const manifestPrefix = (day: string) => `bench/export/${day}/`;

export async function seedSessions(env: Env, call: SeedCall): Promise<SeedStats> {
  const stats: SeedStats = { exchanges: 0, chunks: 0, createdBodies: 0, storedBytes: 0 };
  const plans: PlannedSession[] = [];
  let left = call.maxExchanges;
  for (let k = call.from; k < call.from + call.sessions; k++) {
    const plan = sessionPlan(call.day, k);
    // The day ends at exactly its size: its last session is cut short.
    plan.pageViews = plan.pageViews
      .map((view) => {
        const kept = view.slice(0, Math.max(0, left));
        left -= kept.length;
        return kept;
      })
      .filter((view) => view.length > 0);
    plans.push(plan);
  }
  const blobs = new R2BlobStore(env.BLOBS);
  const chunks: ChunkMessage[] = [];
  // A short window: each round below hands over one page view per session, as a real page's exchanges
  // arrive within the shard's coalescing window; the limits per chunk (100 records, 40,000 characters) apply.
  const chunker = new RecordChunker({ send: async (chunk) => void chunks.push(chunk) }, 1);
  const manifest: string[] = [];
  const rounds = Math.max(0, ...plans.map((p) => p.pageViews.length));
  const lastWrite = new Map<string, number>();
  for (let v = 0; v < rounds; v++) {
    const round = plans.flatMap((plan) =>
      (plan.pageViews[v] ?? []).map((exchange, i) => {
        const written = lastWrite.get(plan.id);
        const refresh = written === undefined || exchange.at - written >= SESSION_REFRESH_MS;
        if (refresh) lastWrite.set(plan.id, exchange.at);
        const id = exchangeIdOf(exchange.at, plan.id, `${v}/${i}`);
        return { plan, exchange, id, refresh, first: written === undefined };
      }),
    );
    // Bodies are stored several at a time, as many shards store theirs at once; records keep their order.
    const records = await inPool(round, STORE_CONCURRENCY, async ({ plan, exchange, id, refresh, first }) => {
      const bodies = await Promise.all([
        storeBody(blobs, exchange.requestBody, stats),
        storeBody(blobs, exchange.responseBody, stats),
      ]);
      return { bodies, record: await recordOf(plan, exchange, id, bodies, refresh, first) };
    });
    for (const { bodies } of records) for (const body of bodies) if (body) manifest.push(body.digest);
    await Promise.all(records.map(({ record }) => chunker.send(record)));
    stats.exchanges += records.length;
  }
  stats.chunks = chunks.length;
  for (let i = 0; i < chunks.length; i += BATCH_CHUNKS) await consume(env, chunks.slice(i, i + BATCH_CHUNKS));
  await env.BLOBS.put(
    `${manifestPrefix(call.day)}${String(call.from).padStart(8, "0")}`,
    manifest.join("\n"),
  );
  return stats;
}

/** `work` over `items`, at most `limit` at a time; results in the items' order. */
async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) {
      const item = items[i];
      if (item !== undefined) out[i] = await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

async function storeBody(
  blobs: R2BlobStore,
  spec: BodySpec | null,
  stats: SeedStats,
): Promise<Stored | null> {
  if (!spec) return null;
  const known = spec.kind === "asset" ? assets.get(spec.key) : undefined;
  if (known) return known;
  const bytes = makeBody(spec);
  const digest = await sha256Hex(bytes);
  let row = stored.get(digest);
  if (!row) {
    const put = await blobs.put(digest, bytes, !PRECOMPRESSED_CLASSES.has(classify(spec.type)));
    row = {
      digest,
      size: bytes.byteLength,
      stored_size: put.storedSize,
      encoding: put.encoding,
      first_seen: Date.now(),
    };
    stored.set(digest, row);
    // Another seeding process may have stored the same shared asset first (the put is create-only).
    if (put.created) {
      stats.createdBodies++;
      stats.storedBytes += put.storedSize;
    }
  }
  const out = { digest, size: bytes.byteLength, row };
  if (spec.kind === "asset") assets.set(spec.key, out);
  return out;
}

function findingsOf(exchange: PlannedExchange): MaskFinding[] {
  const findings: MaskFinding[] = [];
  if (exchange.requestHeaders.some(([name]) => name === "cookie"))
    findings.push({ rule: "session-cookie", location: "request:header:cookie", count: 1 });
  if (exchange.responseHeaders.some(([name]) => name === "set-cookie"))
    findings.push({ rule: "session-cookie", location: "response:header:set-cookie", count: 1 });
  if (exchange.method === "POST" && exchange.requestBody?.type === "application/x-www-form-urlencoded") {
    const r = rng(exchange.at);
    findings.push({ rule: "card", location: "request:body:card", count: 1, commitments: [r.hex(64)] });
  }
  return findings;
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * The shard's id for the exchange (time, then the session's tag: snapshot/ids.ts) with its random tail drawn
 * from the plan instead, so a seeding call that is repeated after a lost connection writes the same records
 * again, which the consumer and the log take once.
 */
function exchangeIdOf(at: number, session: string, position: string): string {
  const r = rng(fnv1a(`${session}/${position}`));
  let tail = "";
  for (let i = 0; i < 8; i++) tail += CROCKFORD[r.int(0, 31)];
  return sessionExchangeId(at, session).slice(0, 18) + tail;
}

async function recordOf(
  plan: PlannedSession,
  exchange: PlannedExchange,
  id: string,
  [requestBody, responseBody]: (Stored | null)[],
  refresh: boolean,
  first: boolean,
): Promise<RecordMessage> {
  const requestHeaders = new Headers(exchange.requestHeaders);
  const responseHeaders = new Headers(exchange.responseHeaders);
  const contentClass = classify(responseHeaders.get("content-type"));
  const context = { ...plan.context, region: null, city: null, postalCode: null, timezone: null };
  const body = (b: Stored | null | undefined) => ({
    digest: b?.digest ?? null,
    size: b?.size ?? null,
    note: null,
  });
  return buildRecord({
    pending: {
      id,
      startedAt: exchange.at,
      ttfbMs: exchange.ttfbMs,
      request: { method: exchange.method, url: exchange.url, headers: requestHeaders, body: null },
      response: { status: exchange.status, headers: responseHeaders, body: null, bodyNote: null },
      context,
    },
    finishedAt: exchange.at + exchange.totalMs,
    session: {
      id: plan.id,
      keys: first
        ? [
            {
              key_hash: rng(exchange.at).hex(64),
              session_id: plan.id,
              cookie_name: "shop.sid",
              first_seen: exchange.at,
            },
          ]
        : [],
      refresh,
    },
    url: exchange.url,
    requestHeaders: JSON.stringify(exchange.requestHeaders),
    responseHeaders: JSON.stringify(exchange.responseHeaders),
    context,
    contentClass,
    pageView: isPageView(requestHeaders, exchange.status, contentClass),
    requestBody: body(requestBody),
    responseBody: body(responseBody),
    validator: responseHeaders.get("etag") ?? responseHeaders.get("last-modified"),
    revalidatedDigest: null,
    error: null,
    maskPolicy: POLICY,
    findings: findingsOf(exchange),
    customerTokens: plan.customer ? [plan.customer] : [],
    blobs: [requestBody, responseBody].flatMap((b) => (b ? [b.row] : [])),
  });
}

/** One queue batch to the real consumer; every message must be acknowledged. */
async function consume(env: Env, chunks: readonly ChunkMessage[]): Promise<void> {
  let retried = 0;
  const messages: Message<unknown>[] = chunks.map((chunk) => ({
    id: crypto.randomUUID(),
    timestamp: new Date(),
    body: chunk,
    attempts: 1,
    ack: () => undefined,
    retry: () => void retried++,
  }));
  const batch: MessageBatch<unknown> = {
    queue: "verbatim-records",
    messages,
    metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } },
    retryAll: () => void (retried += messages.length),
    ackAll: () => undefined,
  };
  const records = chunks.reduce((sum, c) => sum + c.records.length, 0);
  const { acked } = await consumeRecords(batch, env);
  if (acked !== records || retried > 0)
    throw new Error(`the consumer acknowledged ${acked} of ${records} records (${retried} retried)`);
}
