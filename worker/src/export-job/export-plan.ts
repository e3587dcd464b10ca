import type { ChunkRow } from "../record/chunk-summary.ts";
import { partitionsBetween } from "../store/partitions.ts";
import { RecordReader, type ReadStores } from "../store/record-reader.ts";
import type { ExportScope } from "./export-scope.ts";

/** One chunk to export: where its records are (a ranged read of one segment member) and how many. */
export type ChunkRef = {
  session: string;
  first: string;
  segment: string;
  offset: number;
  length: number;
  count: number;
  started: number;
};

/** Most exchanges one slice (one Workflow step, one WARC file) holds: bounds a step's memory and time. */
export const SLICE_EXCHANGES = 2_000;

/** EXPORT_SLICE_EXCHANGES (1 to 10,000), else the default: tests use small slices to cross many steps. */
export function sliceLimit(raw: string | undefined): number {
  const value = Number(raw);
  return raw !== undefined && Number.isInteger(value) && value >= 1 && value <= 10_000
    ? value
    : SLICE_EXCHANGES;
}

type Row = Pick<
  ChunkRow,
  | "session_id"
  | "first_id"
  | "segment"
  | "segment_offset"
  | "segment_length"
  | "exchange_count"
  | "started_at"
>;

const COLUMNS = "session_id, first_id, segment, segment_offset, segment_length, exchange_count, started_at";

function ref(row: Row): ChunkRef {
  return {
    session: row.session_id,
    first: row.first_id,
    segment: row.segment,
    offset: row.segment_offset,
    length: row.segment_length,
    count: row.exchange_count,
    started: row.started_at,
  };
}

/**
 * The chunks an export reads, in time order. A day asks the partitions that can hold it for chunks that
 * overlap the day (the exchanges themselves are filtered when read: a chunk can start before midnight). A
 * customer's sessions come from session_customers in every partition.
 */
export async function chunksInScope(stores: ReadStores, scope: ExportScope): Promise<ChunkRef[]> {
  const rows: Row[] = [];
  if (scope.kind === "day") {
    for (const p of partitionsBetween(stores.partitions, scope.from, scope.to)) {
      const { results } = await p.db
        .prepare(`SELECT ${COLUMNS} FROM record_chunks WHERE started_at < ? AND ended_at >= ?`)
        .bind(scope.to, scope.from)
        .all<Row>();
      rows.push(...results);
    }
  } else {
    const sessions =
      scope.kind === "session" ? [scope.session] : await sessionsOfCustomer(stores, scope.customer);
    const reader = new RecordReader(stores);
    for (const session of sessions) rows.push(...(await reader.chunksOf(session)));
  }
  const seen = new Set<string>();
  return rows
    .filter((r) => {
      const key = `${r.session_id}\n${r.first_id}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(ref)
    .sort((a, b) => a.started - b.started || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
}

async function sessionsOfCustomer(stores: ReadStores, token: string): Promise<string[]> {
  const ids = new Set<string>();
  for (const p of stores.partitions.all) {
    const { results } = await p.db
      .prepare("SELECT session_id FROM session_customers WHERE customer_token = ?")
      .bind(token)
      .all<{ session_id: string }>();
    for (const r of results) ids.add(r.session_id);
  }
  return [...ids].sort();
}

/** Consecutive chunks grouped into slices of at most SLICE_EXCHANGES exchanges (a bigger chunk alone). */
export function sliced(chunks: readonly ChunkRef[], limit: number = SLICE_EXCHANGES): ChunkRef[][] {
  const slices: ChunkRef[][] = [];
  let current: ChunkRef[] = [];
  let count = 0;
  for (const chunk of chunks) {
    if (current.length > 0 && count + chunk.count > limit) {
      slices.push(current);
      current = [];
      count = 0;
    }
    current.push(chunk);
    count += chunk.count;
  }
  if (current.length > 0) slices.push(current);
  return slices;
}
