import type { Env } from "../env.ts";

/**
 * The index is partitioned by time: INDEX_PARTITIONS lists D1 bindings (declared in wrangler.toml) and the
 * UTC day each starts, e.g. "DB, DB_2027@2027-01-01". A chunk goes to the partition its first exchange
 * falls in; a session that crosses a boundary has rows in both, and readers ask every partition that may
 * hold it (a handful: each holds months of traffic, docs/architecture.md). Retention drops whole partitions.
 *
 * The first binding is also the control database: learned forms, recorder failures and replay events,
 * which are small and archive-wide, live there and nowhere else.
 */
export type Partition = { binding: string; db: D1Database; from: number };
export type Partitions = { control: D1Database; all: readonly Partition[] };

const ENTRY = /^([A-Za-z_][A-Za-z0-9_]*)(?:@(\d{4}-\d{2}-\d{2}))?$/;

export function parsePartitions(
  spec: string | undefined,
  bindingOf: (name: string) => unknown,
): { ok: true; partitions: Partitions } | { ok: false; error: string } {
  const entries = (spec ?? "DB")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  const all: Partition[] = [];
  for (const [i, entry] of entries.entries()) {
    const match = ENTRY.exec(entry);
    const name = match?.[1];
    if (!match || !name)
      return { ok: false, error: `INDEX_PARTITIONS: "${entry}" is not BINDING or BINDING@YYYY-MM-DD` };
    const db = bindingOf(name);
    if (!isD1(db))
      return { ok: false, error: `INDEX_PARTITIONS: "${name}" is not a D1 binding of this Worker` };
    const day = match[2];
    if (i === 0 && day) return { ok: false, error: "INDEX_PARTITIONS: the first partition has no start day" };
    if (i > 0 && !day)
      return { ok: false, error: `INDEX_PARTITIONS: "${name}" needs its start day (@YYYY-MM-DD)` };
    const from = day ? Date.parse(`${day}T00:00:00Z`) : 0;
    if (!Number.isFinite(from)) return { ok: false, error: `INDEX_PARTITIONS: "${day}" is not a day` };
    const previous = all.at(-1);
    if (previous && from <= previous.from)
      return { ok: false, error: "INDEX_PARTITIONS: start days must increase from left to right" };
    all.push({ binding: name, db, from });
  }
  const first = all[0];
  if (!first) return { ok: false, error: "INDEX_PARTITIONS lists no partition" };
  return { ok: true, partitions: { control: first.db, all } };
}

const cache = new WeakMap<Env, Partitions>();

/** The Worker's partitions; a bad INDEX_PARTITIONS falls back to DB alone (the config check reports it). */
export function indexPartitions(env: Env): Partitions {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = parsePartitions(
    env.INDEX_PARTITIONS,
    (name) => (env as unknown as Record<string, unknown>)[name],
  );
  const partitions = parsed.ok
    ? parsed.partitions
    : { control: env.DB, all: [{ binding: "DB", db: env.DB, from: 0 }] };
  cache.set(env, partitions);
  return partitions;
}

/** The partition that takes rows for this moment. */
export function partitionAt(partitions: Partitions, at: number): Partition {
  let chosen = partitions.all[0];
  for (const p of partitions.all) if (p.from <= at) chosen = p;
  if (!chosen) throw new Error("no index partition");
  return chosen;
}

/** The partitions that can hold rows from [from, to], newest first. */
export function partitionsBetween(partitions: Partitions, from: number, to: number): Partition[] {
  const all = partitions.all;
  return all.filter((p, i) => p.from <= to && (all[i + 1]?.from ?? Infinity) > from).reverse();
}

function isD1(value: unknown): value is D1Database {
  return typeof value === "object" && value !== null && typeof (value as D1Database).prepare === "function";
}
