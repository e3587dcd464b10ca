import { consoleFetch, DEMO_TOKENS } from "../../scripts/lib/console-fetch.ts";
/** The part of GET /__verbatim/api/health the bench reads (see worker/src/api/health.ts). */
export type IsolateCounters = {
  exchangesRecorded: number;
  exchangesNotRecorded: number;
  bodiesStored: number;
  bodiesDeduplicated: number;
  bodiesTruncated: number;
  d1RowsWritten: number;
  r2Puts: number;
  /** Visitor side: exchanges handed to a recording shard. */
  handedOff: number;
  /** Shard side: records sent to the records queue, and records parked in the shard while it refused. */
  recordsQueued: number;
  recordsParked: number;
  /** Consumer side: batches written (one R2 segment + one D1 transaction each), records indexed, records done
   *  with (indexed or dead-lettered), messages retried. */
  batchesWritten: number;
  recordsIndexed: number;
  recordsSettled: number;
  messagesRetried: number;
  formsLearned: number;
  failures: Record<string, number>;
};

export type Health = { status: string; recording: boolean; isolate: IsolateCounters };

export async function readHealth(base: string): Promise<Health> {
  const url = `${base}/__verbatim/api/health`;
  let response: Response | undefined;
  for (let attempt = 1; !response; attempt++) {
    try {
      response = await consoleFetch(base, "/__verbatim/api/health", { token: DEMO_TOKENS.ops });
    } catch (error) {
      // A kept-alive connection workerd closed as the request went out (ECONNRESET): a GET, safe to retry.
      if (attempt >= 3) throw new Error(`GET ${url} failed`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  if (!response.ok) throw new Error(`GET ${base}/__verbatim/api/health: ${response.status}`);
  return (await response.json()) as Health;
}

export function failureCount(counters: IsolateCounters): number {
  return Object.values(counters.failures).reduce((sum, n) => sum + n, 0);
}

/** Counters accrued between two health readings. */
export function delta(before: IsolateCounters, after: IsolateCounters): IsolateCounters {
  const failures: Record<string, number> = {};
  for (const [stage, n] of Object.entries(after.failures))
    failures[stage] = n - (before.failures[stage] ?? 0);
  return {
    exchangesRecorded: after.exchangesRecorded - before.exchangesRecorded,
    exchangesNotRecorded: after.exchangesNotRecorded - before.exchangesNotRecorded,
    bodiesStored: after.bodiesStored - before.bodiesStored,
    bodiesDeduplicated: after.bodiesDeduplicated - before.bodiesDeduplicated,
    bodiesTruncated: after.bodiesTruncated - before.bodiesTruncated,
    d1RowsWritten: after.d1RowsWritten - before.d1RowsWritten,
    r2Puts: after.r2Puts - before.r2Puts,
    handedOff: after.handedOff - before.handedOff,
    recordsQueued: after.recordsQueued - before.recordsQueued,
    recordsParked: after.recordsParked - before.recordsParked,
    batchesWritten: after.batchesWritten - before.batchesWritten,
    recordsIndexed: after.recordsIndexed - before.recordsIndexed,
    recordsSettled: after.recordsSettled - before.recordsSettled,
    messagesRetried: after.messagesRetried - before.messagesRetried,
    formsLearned: after.formsLearned - before.formsLearned,
    failures,
  };
}

/** Counters of the shards' process and of the consumer's process (the same isolate in a one-process topology). */
export type PipelineCounters = { shards: IsolateCounters; consumer: IsolateCounters };

/** Both processes' counters; one request when they are the same process. */
export async function readPipeline(urls: {
  background: string;
  consumer: string;
}): Promise<PipelineCounters> {
  if (urls.background === urls.consumer) {
    const one = (await readHealth(urls.background)).isolate;
    return { shards: one, consumer: one };
  }
  const [shards, consumer] = await Promise.all([readHealth(urls.background), readHealth(urls.consumer)]);
  return { shards: shards.isolate, consumer: consumer.isolate };
}

/** Exchanges the shards have finished with (queued, or given up on) between two readings. */
export function shardDone(before: PipelineCounters, after: PipelineCounters): number {
  const d = delta(before.shards, after.shards);
  return d.exchangesRecorded + d.exchangesNotRecorded;
}

/**
 * Waits until the whole pipeline is idle: the shards have finished `expected` exchanges, nothing they queued
 * is still waiting for the consumer, and neither count has moved for `stableMs` (longer than the shards'
 * coalescing window, so exchanges still in flight when the load ended are counted too). Gives up after
 * `quietMs` without progress. Health is read on the shards' and the consumer's processes only: polling the
 * visitor process would add work to the process under test. Each reading costs the polled processes CPU
 * (the health endpoint asks every shard and D1): the first comes after `initialDelayMs`, the rest `pollMs`
 * apart, so a drain takes a few readings.
 */
export async function waitForIndex(
  urls: { background: string; consumer: string },
  before: PipelineCounters,
  expected: number,
  options: {
    stableMs: number;
    /** Waited before the first reading: the time records surely spend in coalescing and batching. */
    initialDelayMs?: number;
    quietMs?: number;
    pollMs?: number;
    timeoutMs?: number;
  },
): Promise<{ counters: PipelineCounters; drainMs: number; polls: number; settled: boolean }> {
  const quietMs = options.quietMs ?? 10_000;
  const pollMs = options.pollMs ?? 250;
  const timeoutMs = options.timeoutMs ?? 180_000;
  const began = performance.now();
  await new Promise((resolve) => setTimeout(resolve, options.initialDelayMs ?? 0));
  let polls = 0;
  let last = "";
  let lastChange = began;
  for (;;) {
    const counters = await readPipeline(urls);
    polls++;
    const now = performance.now();
    const done = shardDone(before, counters);
    const queued = counters.shards.recordsQueued - before.shards.recordsQueued;
    const settled = counters.consumer.recordsSettled - before.consumer.recordsSettled;
    const state = `${done}/${queued}/${settled}`;
    if (state !== last) {
      last = state;
      lastChange = now;
    }
    const complete = done >= expected && settled >= queued;
    if (complete && now - lastChange >= options.stableMs)
      return { counters, drainMs: lastChange - began, polls, settled: true };
    if (now - lastChange >= quietMs + options.stableMs || now - began >= timeoutMs)
      return { counters, drainMs: lastChange - began, polls, settled: false };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Waits until the recorder's background work (ctx.waitUntil) has settled: `expected` exchanges finished
 * (recorded or not), or no progress for `quietMs`. Returns the counters and how long the drain took.
 */
export async function waitForRecorder(
  base: string,
  start: IsolateCounters,
  expected: number,
  options: { quietMs?: number; timeoutMs?: number } = {},
): Promise<{ counters: IsolateCounters; drainMs: number; settled: boolean }> {
  const quietMs = options.quietMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const began = performance.now();
  let last = -1;
  let lastChange = began;
  for (;;) {
    const counters = (await readHealth(base)).isolate;
    const done =
      counters.exchangesRecorded +
      counters.exchangesNotRecorded -
      start.exchangesRecorded -
      start.exchangesNotRecorded;
    const now = performance.now();
    if (done >= expected) return { counters, drainMs: now - began, settled: true };
    if (done !== last) {
      last = done;
      lastChange = now;
    } else if (now - lastChange >= quietMs || now - began >= timeoutMs) {
      return { counters, drainMs: lastChange - began, settled: false };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
