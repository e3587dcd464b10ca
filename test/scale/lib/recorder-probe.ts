import { consoleFetch, DEMO_TOKENS } from "../../../scripts/lib/console-fetch.ts";
import type { Role, Topology } from "../../../bench/lib/topology.ts";

/** The recorder counters a process's /__verbatim/api/health shows (worker/src/log/health-counters.ts). */
export type Counters = {
  exchangesRecorded: number;
  exchangesNotRecorded: number;
  handedOff: number;
  recordsQueued: number;
  recordsParked: number;
  batchesWritten: number;
  recordsIndexed: number;
  recordsSettled: number;
  messagesRetried: number;
  messagesMalformed: number;
  failures: Record<string, number>;
};

export type SessionsPage = { sessions: { id: string; exchangeCount: number }[]; nextCursor: string | null };
export type RecordedExchange = {
  id: string;
  sessionId: string;
  request: { method: string; url: string; headers: [string, string][] };
  response: { status: number };
};
export type ExchangesPage = { exchanges: RecordedExchange[]; nextCursor: string | null };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it holds; false if `timeoutMs` passed first. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50) {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) return false;
    await sleep(everyMs);
  }
  return true;
}

/**
 * How a test looks at the running recorder from outside: the read API through the visitor process (as an
 * operator would), each process's own health counters, and B's D1 and R2 directly (B owns them) for the
 * cheap questions a poll asks often.
 */
export class RecorderProbe {
  readonly #topology: Topology;

  constructor(topology: Topology) {
    this.#topology = topology;
  }

  /** Reads that answered 500 and were asked again (see api()). */
  serverErrors = 0;

  /**
   * One read API call. A 500 is asked again, twice at most: here the visitor process reads D1 and R2 through
   * the background process's storage gateway (bench/lib/topology.ts), which under this load has answered
   * an occasional read with an error that production's storage does not have; the count is kept and the
   * suite reports it. Anything else, or a third 500, fails the check.
   */
  async api<T>(path: string): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const response = await consoleFetch(this.#topology.visitorUrl, `/__verbatim/api${path}`, {
        token: DEMO_TOKENS.compliance,
      });
      const text = await response.text();
      if (response.status === 500 && attempt < 3) {
        this.serverErrors++;
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      if (!response.ok) throw new Error(`GET /__verbatim/api${path}: ${response.status} ${text}`);
      return JSON.parse(text) as T;
    }
  }

  /** Every exchange the API lists for a session, following its cursor. */
  async exchangesOf(sessionId: string): Promise<RecordedExchange[]> {
    const all: RecordedExchange[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
      const page: ExchangesPage = await this.api<ExchangesPage>(
        `/sessions/${sessionId}/exchanges?limit=500${query}`,
      );
      all.push(...page.exchanges);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return all;
  }

  /** A process's own counters (each workerd process has its own isolate); null while it is down. */
  async counters(role: Role): Promise<Counters | null> {
    const url = this.#topology.urls()[role];
    if (url === null) return null;
    const response = await consoleFetch(url, "/__verbatim/api/health", { token: DEMO_TOKENS.ops });
    const text = await response.text();
    const health = JSON.parse(text) as { isolate?: Counters };
    if (!health.isolate) throw new Error(`${role} health: ${response.status} ${text.slice(0, 500)}`);
    return health.isolate;
  }

  async db() {
    return this.#topology.storageOwner.getD1Database("DB");
  }

  /** Exchanges and chunk rows in the index (what the sessions view sums), read in B's D1. */
  async indexed(): Promise<{ exchanges: number; chunks: number }> {
    const row = await (
      await this.db()
    )
      .prepare("SELECT coalesce(sum(exchange_count), 0) AS exchanges, count(*) AS chunks FROM record_chunks")
      .first<{ exchanges: number; chunks: number }>();
    return row ?? { exchanges: 0, chunks: 0 };
  }

  /** recorder_failures rows by stage (with and without an exchange id). */
  async failureRows(): Promise<{ stage: string; withId: number; withoutId: number }[]> {
    const { results } = await (
      await this.db()
    )
      .prepare(
        `SELECT stage, sum(exchange_id IS NOT NULL) AS withId, sum(exchange_id IS NULL) AS withoutId
         FROM recorder_failures GROUP BY stage ORDER BY stage`,
      )
      .all<{ stage: string; withId: number; withoutId: number }>();
    return results;
  }

  async failedExchangeIds(stage: string): Promise<string[]> {
    const { results } = await (
      await this.db()
    )
      .prepare("SELECT exchange_id FROM recorder_failures WHERE stage = ? AND exchange_id IS NOT NULL")
      .bind(stage)
      .all<{ exchange_id: string }>();
    return results.map((r) => r.exchange_id);
  }

  /** Objects the dead-letter consumer kept (persist/dead-letters.ts). */
  async deadLetterObjects(): Promise<number> {
    const bucket = await this.#topology.storageOwner.getR2Bucket("BLOBS");
    const listed = await bucket.list({ prefix: "dead-letters/" });
    return listed.objects.length;
  }
}
