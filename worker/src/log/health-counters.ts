import { errorKind, log } from "./log.ts";

/**
 * What the recorder did in this isolate since it started. Failures are also written to D1 when D1 is up,
 * so the health endpoint can show both the isolate's view and the archive-wide recent history.
 */
export type FailureStage =
  "capture" | "decode" | "mask" | "r2" | "d1" | "session" | "config" | "handoff" | "queue" | "dead_letter";

/**
 * Faults of the client, not of the recorder: a request body that claims a coding it is not in, a body too
 * malformed to mask, a visitor gone mid-upload. They are counted apart so one bad client cannot make the
 * recorder look broken (health stays "ok"); the exchange still records why its body is missing.
 */
export type ClientFault = "request_decode" | "request_malformed" | "visitor_disconnected";

export const counters = {
  /** Set by the first request: at module scope the Workers clock reads 0. */
  startedAt: 0,
  exchangesRecorded: 0,
  exchangesNotRecorded: 0,
  bodiesStored: 0,
  bodiesDeduplicated: 0,
  bodiesTruncated: 0,
  d1RowsWritten: 0,
  /** Visitor side: exchanges handed to a recording shard, and hand-offs that failed (the visitor saw nothing). */
  handedOff: 0,
  /** Calls to shards that carried them: a batch of hand-offs is one call (capture/hand-off-batch.ts). */
  handOffCalls: 0,
  /** Exchanges gathered in this isolate's open hand-off batch or its call in flight (a gauge, not a count). */
  handOffsWaiting: 0,
  /** Shard side: masked records sent to the records queue, parked in the shard's outbox, lost. */
  recordsQueued: 0,
  recordsParked: 0,
  /** Responses recorded as a reference to a body already stored (same URL, validator and length). */
  bodiesByReference: 0,
  /** Sampled re-reads of such responses, and those whose bytes did not match: a validator that lied. */
  referencesVerified: 0,
  referencesMismatched: 0,
  /** Consumer side: batches written to D1 (one transaction each), and messages redelivered for retry. */
  batchesWritten: 0,
  recordsIndexed: 0,
  /** Messages the queue delivered and this consumer acknowledged, indexed or dead-lettered: done with. */
  recordsSettled: 0,
  messagesRetried: 0,
  /** Messages the consumer could not read (malformed): retried, then dead-lettered. */
  messagesMalformed: 0,
  r2Puts: 0,
  /**
   * Form bodies posted to an action whose form no page has declared (learned_forms): masked by field
   * names and value rules only. Not a failure: an API called by script, or a form on a page not yet seen.
   */
  formsUnseen: 0,
  /** learned_forms rows written: a form seen for the first time, or declaring fields not known before. */
  formsLearned: 0,
  /**
   * Shard side: exchanges proxied but not recorded on purpose, past the client's RECORD_LIMIT or past their
   * session's SESSION_QUOTA_BYTES (recorder/client-limit.ts, session-quota.ts). Not failures: health stays "ok".
   */
  notRecorded: { rateLimited: 0, overQuota: 0 },
  failures: {
    capture: 0,
    decode: 0,
    mask: 0,
    r2: 0,
    d1: 0,
    session: 0,
    config: 0,
    handoff: 0,
    queue: 0,
    dead_letter: 0,
  } satisfies Record<FailureStage, number>,
  lastFailure: null as { at: string; stage: FailureStage; kind: string } | null,
  client: { request_decode: 0, request_malformed: 0, visitor_disconnected: 0 } satisfies Record<
    ClientFault,
    number
  >,
};

export type FailureSink = (
  at: number,
  stage: FailureStage,
  kind: string,
  exchangeId: string | null,
) => Promise<void>;

/** Counts and logs a failure, then tries to persist it; a failing sink is swallowed (it is likely the cause). */
export async function noteFailure(
  stage: FailureStage,
  error: unknown,
  exchangeId: string | null,
  sink: FailureSink | null,
): Promise<void> {
  const kind = typeof error === "string" ? error : errorKind(error);
  const at = Date.now();
  counters.failures[stage]++;
  counters.lastFailure = { at: new Date(at).toISOString(), stage, kind };
  log("error", "recorder_failure", { stage, kind, exchange: exchangeId });
  if (!sink || stage === "d1") return;
  try {
    await sink(at, stage, kind, exchangeId);
  } catch {
    // D1 is down too; the in-memory counter above still shows the failure.
  }
}

/** Counts a client fault. Not written to recorder_failures: that table is what makes health "degraded". */
export function noteClientFault(fault: ClientFault, kind: string, exchangeId: string | null): void {
  counters.client[fault]++;
  log("info", "client_fault", { fault, kind, exchange: exchangeId });
}
