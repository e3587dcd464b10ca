import type { Miniflare } from "miniflare";

/** The stored tables the recorder writes (migrations/*.sql); `exchanges` and `sessions` are views over them. */
const TABLES = [
  "session_log",
  "session_keys",
  "session_customers",
  "blobs",
  "record_parts",
  "exchange_log",
  "recorder_failures",
] as const;

export type R2Size = { objects: number; bytes: number; gzip: number; identity: number };

/** Every object in the BLOBS bucket, listed the way a Worker would (paged with a cursor). */
export async function r2Size(mf: Miniflare): Promise<R2Size> {
  const bucket = await mf.getR2Bucket("BLOBS");
  const size: R2Size = { objects: 0, bytes: 0, gzip: 0, identity: 0 };
  let cursor: string | undefined;
  for (;;) {
    const page = await bucket.list({ include: ["customMetadata"], ...(cursor ? { cursor } : {}) });
    for (const object of page.objects) {
      size.objects++;
      size.bytes += object.size;
      if (object.customMetadata?.["encoding"] === "gzip") size.gzip++;
      else size.identity++;
    }
    if (!page.truncated) return size;
    cursor = page.cursor;
  }
}

export type D1Size = {
  rows: Record<string, number>;
  valueBytes: number;
  databaseBytes: number;
  /** Value bytes of each column of `exchange_log`, largest first: where the per-exchange metadata goes. */
  exchangeColumns: Record<string, number>;
};

/**
 * Two measures of D1. `databaseBytes` is the database size D1 itself reports (`meta.size_after`: pages x
 * page size, indexes and free space included), which is what D1 storage is billed on. `valueBytes` is the
 * length of every column value of every row (`length(CAST(v AS BLOB))`: UTF-8 bytes of text, decimal
 * digits of integers), with no page, index or b-tree overhead.
 */
export async function d1Size(mf: Miniflare): Promise<D1Size> {
  const db = await mf.getD1Database("DB");
  const rows: Record<string, number> = {};
  let valueBytes = 0;
  let databaseBytes = 0;
  const exchangeColumns: Record<string, number> = {};
  for (const table of TABLES) {
    const { results: columns } = await db
      .prepare("SELECT name FROM pragma_table_info(?)")
      .bind(table)
      .all<{ name: string }>();
    const sums = columns
      .map((c, i) => `coalesce(sum(length(CAST("${c.name}" AS BLOB))), 0) AS c${i}`)
      .join(", ");
    const { results, meta } = await db
      .prepare(`SELECT count(*) AS n, ${sums} FROM ${table}`)
      .all<Record<string, number>>();
    const row = results[0] ?? {};
    rows[table] = row["n"] ?? 0;
    columns.forEach((c, i) => {
      const bytes = row[`c${i}`] ?? 0;
      valueBytes += bytes;
      if (table === "exchange_log") exchangeColumns[c.name] = bytes;
    });
    databaseBytes = meta.size_after ?? 0;
  }
  const sorted = Object.entries(exchangeColumns).sort((a, b) => b[1] - a[1]);
  return { rows, valueBytes, databaseBytes, exchangeColumns: Object.fromEntries(sorted) };
}
