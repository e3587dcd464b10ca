import { createMessageBatch, env } from "cloudflare:test";
import type { Env } from "../../../worker/src/env.ts";
import { consumeRecords } from "../../../worker/src/persist/consume-records.ts";
import type { RecordMessage } from "../../../worker/src/record/record-message.ts";
import type { ExchangeRow } from "../../../worker/src/record/rows.ts";
import { utcDay } from "../../../worker/src/snapshot/ids.ts";
import { blobKey } from "../../../worker/src/store/blob-store.ts";
import { Customer } from "../../helpers/browser-like.ts";
import { chunkOf, shardOver } from "../../helpers/faults.ts";
import { CONSOLE, DEMO, visit, type Visit } from "../../helpers/visit.ts";

/**
 * Recording for the retention suites: real traffic through the recorder (the demo shop, the real masking and
 * body storage), with the records of some visits moved back in time before the real index writer (the
 * records queue's consumer) takes them, as if they had been recorded years ago.
 */
export type Recorded = { session: string; records: RecordMessage[] };

let batches = 0;

/**
 * One visitor's requests (a new visitor, or one that goes on), recorded now but indexed `ago` ms in the past
 * (negative: in the future), in one consumer batch: one segment.
 */
export async function recordInThePast(
  who: string | Customer,
  ago: number,
  steps: (visitor: Customer) => Promise<void>,
  into: Env = env as Env,
): Promise<Recorded> {
  const captured: RecordMessage[] = [];
  const records = { send: (m: RecordMessage) => (captured.push(m), Promise.resolve()) };
  const visitor = typeof who === "string" ? new Customer(who) : who;
  const name = visitor.name;
  const overrides = shardOver({ records });
  const original = visitor.request.bind(visitor);
  visitor.request = (path, init = {}) => original(path, init, overrides);
  try {
    await steps(visitor);
  } finally {
    visitor.request = original;
  }
  const moved = captured.map((m) => movedBack(m, ago));
  const batch = createMessageBatch<unknown>(
    "verbatim-records",
    moved.map((m) => ({ id: `old-${++batches}`, timestamp: Date.now(), attempts: 1, body: chunkOf(m) })),
  );
  await consumeRecords(batch, into);
  const session = moved[0]?.exchange.session_id;
  if (!session || moved.some((m) => m.exchange.session_id !== session))
    throw new Error(`${name}: expected one session`);
  return { session, records: moved };
}

function movedBack(m: RecordMessage, by: number): RecordMessage {
  const at = m.exchange.started_at - by;
  return {
    ...m,
    exchange: { ...m.exchange, started_at: at, day: utcDay(at) },
    session: m.session && {
      ...m.session,
      first_seen: m.session.first_seen - by,
      last_seen: m.session.last_seen - by,
    },
    keys: m.keys.map((k) => ({ ...k, first_seen: k.first_seen - by })),
    customers: m.customers.map((c) => ({ ...c, first_seen: c.first_seen - by })),
    blobs: m.blobs.map((b) => ({ ...b, first_seen: b.first_seen - by })),
  };
}

/** Every body these exchanges name (request, response, revalidated). */
export function digestsOf(rows: readonly ExchangeRow[]): Set<string> {
  const out = new Set<string>();
  for (const e of rows)
    for (const d of [e.request_body_digest, e.response_body_digest, e.revalidated_digest]) if (d) out.add(d);
  return out;
}

export async function bodyStored(digest: string): Promise<boolean> {
  return (await env.BLOBS.head(blobKey(digest))) !== null;
}

export async function rowsOf(session: string): Promise<Record<string, number>> {
  const count = async (sql: string) =>
    (await env.DB.prepare(sql).bind(session).first<{ n: number }>())?.n ?? 0;
  return {
    session_log: await count("SELECT count(*) AS n FROM session_log WHERE id = ?"),
    record_chunks: await count("SELECT count(*) AS n FROM record_chunks WHERE session_id = ?"),
    session_keys: await count("SELECT count(*) AS n FROM session_keys WHERE session_id = ?"),
    session_customers: await count("SELECT count(*) AS n FROM session_customers WHERE session_id = ?"),
    captures: await count("SELECT count(*) AS n FROM captures WHERE session_id = ?"),
  };
}

export async function segmentsOf(session: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT DISTINCT segment FROM record_chunks WHERE session_id = ?")
    .bind(session)
    .all<{ segment: string }>();
  return results.map((r) => r.segment);
}

/** The retention API as compliance (or another role's demo token). */
export function api(
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  token: string = DEMO.compliance,
): Promise<Visit> {
  return visit(
    new Request(`${CONSOLE}/__verbatim/api${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(method === "POST" ? { origin: CONSOLE } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    }),
  );
}

export async function placeHold(kind: string, value: string, reason = "matter 2033-17"): Promise<string> {
  const placed = await api("POST", "/holds", { kind, value, reason });
  if (placed.response.status !== 201) throw new Error(`hold not placed: ${placed.text}`);
  return (JSON.parse(placed.text) as { id: string }).id;
}

export async function liftHold(id: string, reason = "matter closed"): Promise<void> {
  const lifted = await api("POST", `/holds/${id}/lift`, { reason });
  if (lifted.response.status !== 200) throw new Error(`hold not lifted: ${lifted.text}`);
}
