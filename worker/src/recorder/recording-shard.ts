import type { ShardHealth } from "../capture/hand-off.ts";
import type { BodySource } from "../capture/pending-exchange.ts";
import { DurableObject } from "cloudflare:workers";
import { pendingOf, type Envelope } from "../capture/envelope.ts";
import type { RecorderPort } from "../capture/hand-off.ts";
import type { HandedExchange } from "../capture/hand-off-batch.ts";
import { shardName, visitCookieOf } from "../capture/shard-key.ts";
import { loadConfig } from "../config/config.ts";
import type { Env } from "../env.ts";
import { counters, noteFailure } from "../log/health-counters.ts";
import { log } from "../log/log.ts";
import { RecordChunker } from "../persist/record-chunker.ts";
import { RecordOutbox } from "../persist/record-outbox.ts";
import { indexPartitions } from "../store/partitions.ts";
import { ArchiveIndex } from "../store/archive-index.ts";
import { R2BlobStore } from "../store/blob-store.ts";
import { FormStore } from "../store/form-store.ts";
import { clientMayRecord } from "./client-limit.ts";
import { meteredBlobs } from "./metered-blobs.ts";
import { quotaSessionOf } from "./quota-session.ts";
import { recordExchange } from "./record-exchange.ts";
import type { RecorderStores } from "./recorder-stores.ts";
import { EXCHANGE_OVERHEAD_BYTES, SessionQuota } from "./session-quota.ts";

/**
 * A recording shard: one of a fixed pool of Durable Objects (RECORDING_SHARDS, picked per session by
 * capture/shard-key.ts). It receives an exchange's raw bytes in memory from the visitor's isolate, masks
 * them and stores only masked derivatives: bodies in R2, the record on the records queue. Its own storage
 * holds nothing but records parked while the queue is unavailable (masked too), and how many bytes each
 * session has added (session-quota.ts).
 *
 * Running here, not in the visitor's isolate, is the point: a Durable Object has an isolate of its own,
 * usually on another machine, so masking and storage calls do not share the visitor's thread.
 */
export class RecordingShard extends DurableObject<Env> implements RecorderPort {
  readonly #stores: RecorderStores;
  readonly #outbox: RecordOutbox;
  readonly #quota: SessionQuota;
  /** Exchanges this shard left unrecorded by the limits (health reads them through shardHealth). */
  readonly #notRecorded = { rateLimited: 0, overQuota: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const index = new ArchiveIndex(indexPartitions(env));
    this.#outbox = new RecordOutbox(env.RECORDS, env.BLOBS, ctx.storage, (at, stage, kind, id) =>
      index.recordFailure(at, stage, kind, id),
    );
    this.#stores = {
      blobs: new R2BlobStore(env.BLOBS),
      index,
      forms: new FormStore(env.DB),
      records: new RecordChunker(this.#outbox, coalesceMs(env)),
    };
    this.#quota = new SessionQuota(ctx.storage.sql);
  }

  /**
   * A batch gathered on the visitor's side (capture/hand-off-batch.ts), sent to this shard, number `shard`.
   * Its own exchanges are recorded here, each as if alone; the others go on to their own shards in one call
   * each, so a session's exchanges still meet in one shard (and one chunk) while the visitor's isolate made
   * one call for all of them.
   */
  async recordBatch(shard: number, items: HandedExchange[]): Promise<void> {
    const groups = Map.groupBy(items, (item) => item.shard);
    await Promise.all(
      [...groups].map(([target, group]) =>
        target === shard ? this.#recordAll(group) : this.#passOn(target, group),
      ),
    );
  }

  /**
   * Within one visit, exchanges wait for the earlier ones that teach the shard what they need: an HTML page
   * declares forms (a post of one of them must be masked by it) and a Set-Cookie response maps a new session
   * cookie (the pages it leads to must join its session). Both are learned in memory as the exchange is
   * recorded. Exchanges that teach nothing (assets, JSON calls) are waited for by none, so they run side by
   * side, and so do different visits. Without this, a sign-in page and its post handed over in one call
   * could be recorded the wrong way round.
   */
  async #recordAll(items: HandedExchange[]): Promise<void> {
    const visits = Map.groupBy(
      items,
      (item, i) =>
        visitCookieOf(
          // Pairs from Headers iteration: names are lower case and Cookie is one combined entry.
          item.envelope.request.headers.find(([name]) => name === "cookie")?.[1] ?? null,
          item.envelope.recorderCookie ?? null,
          item.envelope.settings.sessionCookies,
        ) ?? `alone:${i}`,
    );
    const runs: Promise<void>[] = [];
    for (const visit of visits.values()) {
      let taught: Promise<unknown> = Promise.resolve();
      for (const item of visit) {
        // recordExchange notes its own failures; one exchange failing must not stop the visit's others.
        const run = taught.then(() =>
          this.record(item.envelope, item.request, item.response).catch(() => undefined),
        );
        if (teaches(item)) taught = Promise.all([taught, run]);
        runs.push(run);
      }
    }
    await Promise.all(runs);
  }

  /** The exchanges of another shard's sessions; if it cannot be reached they are lost, each one counted. */
  async #passOn(shard: number, items: HandedExchange[]): Promise<void> {
    try {
      await this.env.RECORDER.get(this.env.RECORDER.idFromName(shardName(shard))).recordBatch(shard, items);
    } catch (error) {
      counters.exchangesNotRecorded += items.length;
      for (const item of items)
        await noteFailure("handoff", error, item.envelope.id, (at, stage, kind, id) =>
          this.#stores.index.recordFailure(at, stage, kind, id),
        );
    }
  }

  async record(envelope: Envelope, requestBody: BodySource, responseBody: BodySource): Promise<void> {
    const loaded = loadConfig(this.env);
    if (!loaded.ok) {
      // The visitor's isolate records nothing under a bad config; a shard reached anyway stores nothing.
      await Promise.all(
        [requestBody, responseBody].map((body) =>
          body instanceof ReadableStream ? body.cancel() : undefined,
        ),
      );
      counters.exchangesNotRecorded++;
      await noteFailure("config", "config_invalid", envelope.id, null);
      return;
    }
    const config = { ...loaded.config, ...envelope.settings };
    const pending = pendingOf(envelope, requestBody, responseBody);
    // Limits are asked before anything is read, masked or stored: an exchange past them costs no R2, D1 or
    // queue write, and its body branches are released at once.
    if (!(await clientMayRecord(this.env.RECORD_LIMIT, envelope.context.clientNetwork))) {
      counters.notRecorded.rateLimited++;
      this.#notRecorded.rateLimited++;
      return release(requestBody, responseBody);
    }
    const session = await quotaSessionOf(pending, config);
    if (session === null) return recordExchange(pending, config, this.#stores);
    const quota = config.sessionQuotaBytes;
    const { admitted, first } = this.#quota.check(session, quota);
    if (!admitted) {
      counters.notRecorded.overQuota++;
      this.#notRecorded.overQuota++;
      // The visitor's exchange id, not the session's: the line says that a quota was reached, not whose.
      if (first) log("warn", "session_over_quota", { exchange: envelope.id, quota });
      return release(requestBody, responseBody);
    }
    // Charged as the exchange is recorded, so the session's exchanges recorded side by side see each other.
    this.#quota.add(session, EXCHANGE_OVERHEAD_BYTES, quota, Date.now());
    const blobs = meteredBlobs(this.#stores.blobs, (bytes) =>
      this.#quota.add(session, bytes, quota, Date.now()),
    );
    await recordExchange(pending, config, { ...this.#stores, blobs });
  }

  /** Parked records go out again (persist/record-outbox.ts schedules this while any remain). */
  override async alarm(): Promise<void> {
    await this.#outbox.flush();
  }

  /**
   * For health, which runs in another isolate and cannot see this one's counters: chunks waiting in this
   * shard's storage for the queue (waiting, not lost), and exchanges this shard left unrecorded by the
   * limits since it started (its own count: shards sharing an isolate would double-count the isolate's).
   */
  async shardHealth(): Promise<ShardHealth> {
    return { parkedChunks: await this.#outbox.parkedCount(), notRecorded: { ...this.#notRecorded } };
  }
}

/** An exchange that is not recorded: its tee branches are cancelled so the visitor's side stops buffering them. */
async function release(requestBody: BodySource, responseBody: BodySource): Promise<void> {
  await Promise.all(
    [requestBody, responseBody].map((body) =>
      body instanceof ReadableStream ? body.cancel().catch(() => undefined) : undefined,
    ),
  );
}

/** Whether recording this exchange teaches the shard what later exchanges of its visit need (see #recordAll). */
function teaches(item: HandedExchange): boolean {
  const headers = item.envelope.response.headers;
  return headers.some(
    ([name, value]) => name === "set-cookie" || (name === "content-type" && /html/i.test(value)),
  );
}

/** RECORD_COALESCE_MS: how long a shard gathers a session's records into one chunk (default 500 ms). */
function coalesceMs(env: Env): number {
  const value = Number(env.RECORD_COALESCE_MS ?? "500");
  return Number.isFinite(value) && value >= 0 && value <= 10_000 ? value : 500;
}
