import type { Miniflare } from "miniflare";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

/** Tables D1 or Miniflare keep for themselves, not the recorder's. */
const INTERNAL_TABLE = /^(sqlite_|_cf_|d1_migrations$)/;
/** The same for dbstat's names, where SQLite's automatic indexes of the recorder's tables do count. */
const INTERNAL_OBJECT =
  /^(sqlite_schema$|sqlite_master$|sqlite_sequence$|sqlite_stat\d|_cf_|d1_migrations$|sqlite_autoindex_(_cf_|d1_migrations))/;

export type R2Size = {
  objects: number;
  bytes: number;
  gzip: number;
  identity: number;
  /** By first key segment: sha256 (bodies), segments (records), records (queue overflow), dead-letters... */
  byPrefix: Record<string, { objects: number; bytes: number }>;
};

/** Every object in the BLOBS bucket, listed the way a Worker would (paged with a cursor). */
export async function r2Size(mf: Miniflare): Promise<R2Size> {
  const bucket = await mf.getR2Bucket("BLOBS");
  const size: R2Size = { objects: 0, bytes: 0, gzip: 0, identity: 0, byPrefix: {} };
  let cursor: string | undefined;
  for (;;) {
    const page = await bucket.list({ include: ["customMetadata"], ...(cursor ? { cursor } : {}) });
    for (const object of page.objects) {
      size.objects++;
      size.bytes += object.size;
      if (object.customMetadata?.["encoding"] === "gzip") size.gzip++;
      else size.identity++;
      const prefix = object.key.split("/")[0] ?? "";
      const group = (size.byPrefix[prefix] ??= { objects: 0, bytes: 0 });
      group.objects++;
      group.bytes += object.size;
    }
    if (!page.truncated) return size;
    cursor = page.cursor;
  }
}

export type D1Size = {
  rows: Record<string, number>;
  valueBytes: number;
  databaseBytes: number;
};

/**
 * Two measures of D1 through the binding. `databaseBytes` is the database size D1 itself reports
 * (`meta.size_after`: pages x page size, indexes and free pages included), what D1 storage is billed on.
 * `valueBytes` is the length of every column value of every row of the recorder's tables
 * (`length(CAST(v AS BLOB))`: UTF-8 bytes of text, decimal digits of integers), no page or b-tree overhead.
 */
export async function d1Size(mf: Miniflare): Promise<D1Size> {
  const db = await mf.getD1Database("DB");
  const { results: tables } = await db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all<{ name: string }>();
  const rows: Record<string, number> = {};
  let valueBytes = 0;
  let databaseBytes = 0;
  for (const { name: table } of tables) {
    if (INTERNAL_TABLE.test(table)) continue;
    const { results: columns } = await db
      .prepare("SELECT name FROM pragma_table_info(?)")
      .bind(table)
      .all<{ name: string }>();
    const sums = columns
      .map((c, i) => `coalesce(sum(length(CAST("${c.name}" AS BLOB))), 0) AS c${i}`)
      .join(", ");
    const { results, meta } = await db
      .prepare(`SELECT count(*) AS n${sums ? `, ${sums}` : ""} FROM "${table}"`)
      .all<Record<string, number>>();
    const row = results[0] ?? {};
    rows[table] = row["n"] ?? 0;
    columns.forEach((_, i) => (valueBytes += row[`c${i}`] ?? 0));
    databaseBytes = meta.size_after ?? databaseBytes;
  }
  return { rows, valueBytes, databaseBytes };
}

export type D1File = {
  file: string;
  pageSize: number;
  pageCount: number;
  /** page_count x page_size: the database as SQLite holds it (WAL content included once opened). */
  bytes: number;
  /** Bytes of pages per table and per index (SQLite's dbstat), largest first, recorder's objects only. */
  objects: Record<string, number>;
};

/**
 * The local D1 databases' SQLite files under `dir` (Miniflare's d1 persist directory), read with Node's own
 * SQLite after the workerd process that owns them has ended (opening them while it runs would risk
 * SQLITE_BUSY in the Worker: topology.ts). Opening applies the WAL, so committed pages all count.
 */
export async function d1Files(dir: string): Promise<D1File[]> {
  const files: D1File[] = [];
  for (const path of await sqliteFiles(dir)) {
    const db = new DatabaseSync(path);
    try {
      const pageSize = Number((db.prepare("PRAGMA page_size").get() as { page_size: number }).page_size);
      const pageCount = Number((db.prepare("PRAGMA page_count").get() as { page_count: number }).page_count);
      const objects: Record<string, number> = {};
      const stats = db
        .prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC")
        .all() as { name: string; bytes: number }[];
      for (const { name, bytes } of stats) if (!INTERNAL_OBJECT.test(name)) objects[name] = Number(bytes);
      files.push({
        file: path.slice(dir.length + 1),
        pageSize,
        pageCount,
        bytes: pageSize * pageCount,
        objects,
      });
    } finally {
      db.close();
    }
  }
  return files;
}

async function sqliteFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await sqliteFiles(path)));
    else if (entry.name.endsWith(".sqlite")) found.push(path);
  }
  return found;
}

/**
 * Rows in the Durable Objects' own SQLite databases under `dir` (every table, the storage API's key-value
 * table _cf_KV included; SQLite's own tables excluded), after their process has ended.
 */
export async function durableObjectRows(dir: string): Promise<number> {
  let rows = 0;
  for (const path of await sqliteFiles(dir)) {
    const db = new DatabaseSync(path);
    try {
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .all() as { name: string }[];
      for (const { name } of tables)
        rows += Number((db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n);
    } finally {
      db.close();
    }
  }
  return rows;
}

/** Bytes of every file under `dir` (Durable Object storage, say), 0 when it does not exist. */
export async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await directoryBytes(path) : (await stat(path)).size;
  }
  return total;
}
