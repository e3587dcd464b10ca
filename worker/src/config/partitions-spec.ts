/**
 * INDEX_PARTITIONS parsed: D1 bindings (declared in wrangler.toml) and the UTC day each starts, e.g.
 * "DB, DB_2027@2027-01-01". Pure, so the config check reports a bad value; routing is store/partitions.ts.
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

function isD1(value: unknown): value is D1Database {
  return typeof value === "object" && value !== null && typeof (value as D1Database).prepare === "function";
}
