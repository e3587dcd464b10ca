import { captureRows } from "../record/chunk-summary.ts";
import type { ChunkMessage } from "../record/record-message.ts";
import type { Partitions } from "../store/partitions.ts";
import { slices } from "./sql-lists.ts";

/** What an expired session left in the index, as its chunks name it (session_keys has no index by session). */
export type SessionLeftovers = {
  ids: readonly string[];
  chunks: readonly ChunkMessage[];
  /** Sessions with rows from before the compact index (exchange_log): their keys are found by a scan. */
  legacy: readonly string[];
};

const marks = (n: number) => Array.from({ length: n }, () => "?").join(",");

/**
 * Deletes expired sessions' index rows in every partition, one transaction per partition: chunk rows,
 * cookie keys, customer links, captures of their exchanges, then the session rows (customer links reference
 * them). In the control database also replay events, legacy exchange rows and the job's own long-session
 * rows. Bodies and segments are not touched here (resolve.ts decides which may go).
 */
export async function deleteSessionRows(partitions: Partitions, left: SessionLeftovers): Promise<number> {
  const keys = new Map<string, { hash: string; session: string }>();
  const customers = new Map<string, { token: string; session: string }>();
  for (const chunk of left.chunks)
    for (const record of chunk.records) {
      for (const k of record.keys)
        keys.set(`${k.key_hash}\n${k.session_id}`, { hash: k.key_hash, session: k.session_id });
      for (const c of record.customers)
        customers.set(`${c.customer_token}\n${c.session_id}`, {
          token: c.customer_token,
          session: c.session_id,
        });
    }
  const captures = left.chunks.flatMap(captureRows);
  let rowsWritten = 0;
  for (const p of partitions.all) {
    const db = p.db;
    const statements: D1PreparedStatement[] = [];
    for (const part of slices(left.ids)) {
      const list = marks(part.length);
      statements.push(db.prepare(`DELETE FROM record_chunks WHERE session_id IN (${list})`).bind(...part));
    }
    statements.push(
      ...tuples(
        db,
        "session_keys",
        ["key_hash", "session_id"],
        [...keys.values()].map((k) => [k.hash, k.session]),
      ),
      ...tuples(
        db,
        "session_customers",
        ["customer_token", "session_id"],
        [...customers.values()].map((c) => [c.token, c.session]),
      ),
      ...tuples(
        db,
        "captures",
        ["url", "digest", "exchange_id"],
        captures.map((c) => [c.url, c.digest, c.exchange_id]),
      ),
    );
    for (const part of slices(left.legacy)) {
      const list = marks(part.length);
      // Written before chunks carried them: a scan, once, for sessions from before the compact index.
      statements.push(db.prepare(`DELETE FROM session_keys WHERE session_id IN (${list})`).bind(...part));
      statements.push(
        db.prepare(`DELETE FROM session_customers WHERE session_id IN (${list})`).bind(...part),
      );
    }
    if (db === partitions.control)
      for (const part of slices(left.ids)) {
        const list = marks(part.length);
        statements.push(db.prepare(`DELETE FROM replay_events WHERE session_id IN (${list})`).bind(...part));
        statements.push(db.prepare(`DELETE FROM exchange_log WHERE session_id IN (${list})`).bind(...part));
        statements.push(
          db.prepare(`DELETE FROM retention_long_sessions WHERE session_id IN (${list})`).bind(...part),
        );
      }
    for (const part of slices(left.ids))
      statements.push(
        db.prepare(`DELETE FROM session_log WHERE id IN (${marks(part.length)})`).bind(...part),
      );
    const results = await db.batch(statements);
    rowsWritten += results.reduce((sum, r) => sum + (r.meta.rows_written ?? 0), 0);
  }
  return rowsWritten;
}

/** DELETEs by whole primary keys, many rows a statement (row values; D1 binds at most 100 parameters). */
function tuples(
  db: D1Database,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly string[])[],
): D1PreparedStatement[] {
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  return slices(rows, Math.floor(90 / columns.length)).map((part) =>
    db
      .prepare(
        `DELETE FROM ${table} WHERE (${columns.join(", ")}) IN (VALUES ${part.map(() => tuple).join(", ")})`,
      )
      .bind(...part.flat()),
  );
}
