import type { Env } from "../env.ts";
import { parsePartitions, type Partitions, type Partition } from "../config/partitions-spec.ts";

export type { Partition, Partitions };

/**
 * The index is partitioned by time: INDEX_PARTITIONS lists D1 bindings (declared in wrangler.toml) and the
 * UTC day each starts, e.g. "DB, DB_2027@2027-01-01". A chunk goes to the partition its first exchange
 * falls in; a session that crosses a boundary has rows in both, and readers ask every partition that may
 * hold it (a handful: each holds months of traffic, docs/architecture.md). Retention drops whole partitions.
 *
 * The first binding is also the control database: learned forms, recorder failures and replay events,
 * which are small and archive-wide, live there and nowhere else.
 */
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
