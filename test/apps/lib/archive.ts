import { DEMO_TOKENS, type Recorder } from "../../browser/harness.ts";

/**
 * The archive as the read API shows it (README "Read API"): sessions, their exchanges in order, bodies and
 * replay links. Every fetched response is also kept as bytes, so the secret scan covers what the API serves.
 */
export type ArchivedExchange = {
  id: string;
  sessionId: string;
  startedAt: string;
  pageView: boolean;
  request: { method: string; url: string; body: { href: string | null } };
  response: { status: number; contentType: string | null; body: { href: string | null } };
};
export type ReplayInfo = { replayUrl: string; status: number; url: string };
export type ApiDump = { what: string; bytes: Buffer };

async function get(recorder: Recorder, path: string, seen?: ApiDump[]): Promise<Buffer> {
  // The API lives on the console's host; dispatchFetch takes that host as given (Node cannot resolve it).
  const token = path.startsWith("/__verbatim/api/health") ? "demo-ops" : DEMO_TOKENS.compliance;
  const response = await recorder.mf.dispatchFetch(`${recorder.consoleUrl}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  if (!response.ok)
    throw new Error(`GET ${path}: ${response.status} ${bytes.toString("utf8").slice(0, 300)}`);
  seen?.push({ what: `GET ${path}`, bytes });
  return bytes;
}

async function getJson<T>(recorder: Recorder, path: string, seen?: ApiDump[]): Promise<T> {
  return JSON.parse((await get(recorder, path, seen)).toString("utf8")) as T;
}

/** Every exchange of every session, oldest first. */
export async function allExchanges(recorder: Recorder, seen?: ApiDump[]): Promise<ArchivedExchange[]> {
  const out: ArchivedExchange[] = [];
  let cursor: string | null = null;
  const sessions: string[] = [];
  do {
    const page: { sessions: { id: string }[]; nextCursor: string | null } = await getJson(
      recorder,
      `/__verbatim/api/sessions?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      seen,
    );
    sessions.push(...page.sessions.map((s) => s.id));
    cursor = page.nextCursor;
  } while (cursor);
  for (const id of sessions) {
    let next: string | null = null;
    do {
      const page: { exchanges: ArchivedExchange[]; nextCursor: string | null } = await getJson(
        recorder,
        `/__verbatim/api/sessions/${id}/exchanges?limit=500${next ? `&cursor=${encodeURIComponent(next)}` : ""}`,
        seen,
      );
      out.push(...page.exchanges);
      next = page.nextCursor;
    } while (next);
  }
  return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
}

type Pipeline = { handOffsWaiting: number; recordsQueued: number; recordsSettled: number };

/**
 * Whether the recorder's pipeline is empty: nothing gathering in the visitor side's hand-off batch and every
 * record the shards queued indexed. One Miniflare process runs it all, so one isolate's counters say it.
 */
async function drained(recorder: Recorder): Promise<boolean> {
  const { isolate } = await getJson<{ isolate: Pipeline }>(recorder, "/__verbatim/api/health");
  return isolate.handOffsWaiting === 0 && isolate.recordsQueued <= isolate.recordsSettled;
}

/**
 * Waits until the recorder has written what the browser sent: it stores in the background (waitUntil, a
 * hand-off window, chunking and the queue's batches), so the pipeline is read until it is empty and the
 * count has stopped growing (and reaches `atLeast`), or 30 s pass.
 */
export async function settledExchanges(recorder: Recorder, atLeast: number): Promise<ArchivedExchange[]> {
  const deadline = Date.now() + 30_000;
  let last = -1;
  let stable = 0;
  for (;;) {
    const exchanges = await allExchanges(recorder);
    stable = exchanges.length === last && (await drained(recorder)) ? stable + 1 : 0;
    last = exchanges.length;
    if ((stable >= 3 && exchanges.length >= atLeast) || Date.now() > deadline) return exchanges;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

export async function replayInfo(
  recorder: Recorder,
  exchangeId: string,
  seen?: ApiDump[],
): Promise<ReplayInfo> {
  return getJson<ReplayInfo>(recorder, `/__verbatim/api/exchanges/${exchangeId}/replay`, seen);
}

/** What the read API serves about the recording: sessions, exchanges, timelines, replay frames and bodies. */
export async function readBack(recorder: Recorder): Promise<ApiDump[]> {
  const seen: ApiDump[] = [];
  const exchanges = await allExchanges(recorder, seen);
  const sessions = new Set(exchanges.map((e) => e.sessionId));
  for (const id of sessions) await get(recorder, `/__verbatim/api/sessions/${id}/timeline`, seen);
  for (const exchange of exchanges) {
    for (const href of [exchange.request.body.href, exchange.response.body.href])
      if (href) await get(recorder, href, seen);
    if (exchange.pageView) await replayInfo(recorder, exchange.id, seen);
  }
  await get(recorder, "/__verbatim/api/health", seen);
  return seen;
}
