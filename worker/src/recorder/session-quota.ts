import { Lru } from "../util/lru.ts";

/**
 * Bytes each session has added to the archive, kept by the recording shard its exchanges meet in
 * (capture/shard-key.ts): a session past SESSION_QUOTA_BYTES is still proxied, but its exchanges are no longer
 * recorded. What a session adds is what R2 had to store for it (masked bodies as put, compressed; a body the
 * archive has already costs nothing) plus EXCHANGE_OVERHEAD_BYTES per exchange for its record, index rows and
 * queue message.
 *
 * Totals live in memory and in the shard's own SQLite storage, so a shard that is evicted or restarted does
 * not hand every session a fresh quota. Writing on every exchange would cost a row write each (as much as the
 * rest of an exchange's storage): a total is written when it has grown by a sixteenth of the quota since it
 * was last written, and when it reaches the quota. A restart can so forget at most a sixteenth of a
 * session's quota, and a session that stays small is never written at all.
 */
export const EXCHANGE_OVERHEAD_BYTES = 1024;

/** Sessions held in memory; older ones are read back from storage when they return. */
const IN_MEMORY = 10_000;
/** Sessions kept in storage per shard; past it the longest unwritten go (their quota starts again). */
const STORED_MAX = 50_000;
/** Inserts between two prunings of the stored totals. */
const PRUNE_EVERY = 500;

type Entry = {
  bytes: number;
  /** The total as last written to storage (0: never written). */
  written: number;
  /** The refusal was logged already: one line per session, not one per exchange. */
  told: boolean;
};

/** Whether a session that has added `used` bytes may have one more exchange recorded. */
export function withinQuota(used: number, quota: number): boolean {
  return used < quota;
}

/** Whether a total must be written now (see above): grown by a sixteenth of the quota, or at the quota. */
export function needsWrite(entry: { bytes: number; written: number }, quota: number): boolean {
  if (entry.bytes === entry.written) return false;
  return entry.bytes - entry.written >= quota / 16 || (entry.bytes >= quota && entry.written < quota);
}

export class SessionQuota {
  readonly #sql: SqlStorage;
  readonly #entries = new Lru<string, Entry>(IN_MEMORY);
  #inserts = 0;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(
      `CREATE TABLE IF NOT EXISTS session_bytes (
         session TEXT PRIMARY KEY,
         bytes INTEGER NOT NULL,
         written_at INTEGER NOT NULL
       )`,
    );
    sql.exec("CREATE INDEX IF NOT EXISTS session_bytes_written_at ON session_bytes (written_at)");
  }

  /** Bytes the session has added so far. */
  used(session: string): number {
    return this.#entry(session).bytes;
  }

  /**
   * Whether the session may have one more exchange recorded. `first` is true on the first refusal this
   * shard makes for the session since it started, so the caller logs it once.
   */
  check(session: string, quota: number): { admitted: boolean; first: boolean } {
    const entry = this.#entry(session);
    if (withinQuota(entry.bytes, quota)) return { admitted: true, first: false };
    const first = !entry.told;
    entry.told = true;
    return { admitted: false, first };
  }

  /** Adds bytes the session has cost; writes the total when it is due (`needsWrite`). */
  add(session: string, bytes: number, quota: number, now: number): void {
    const entry = this.#entry(session);
    entry.bytes += bytes;
    if (!needsWrite(entry, quota)) return;
    const inserted = entry.written === 0;
    this.#sql.exec(
      `INSERT INTO session_bytes (session, bytes, written_at) VALUES (?, ?, ?)
       ON CONFLICT (session) DO UPDATE SET bytes = excluded.bytes, written_at = excluded.written_at`,
      session,
      entry.bytes,
      now,
    );
    entry.written = entry.bytes;
    if (inserted && ++this.#inserts % PRUNE_EVERY === 0) this.#prune();
  }

  #entry(session: string): Entry {
    let entry = this.#entries.get(session);
    if (!entry) {
      const row = this.#sql
        .exec<{ bytes: number }>("SELECT bytes FROM session_bytes WHERE session = ?", session)
        .toArray()[0];
      const bytes = row?.bytes ?? 0;
      entry = { bytes, written: bytes, told: false };
      this.#entries.set(session, entry);
    }
    return entry;
  }

  /** Keeps the STORED_MAX most recently written totals. */
  #prune(): void {
    this.#sql.exec(
      `DELETE FROM session_bytes WHERE session IN (
         SELECT session FROM session_bytes ORDER BY written_at DESC LIMIT -1 OFFSET ?
       )`,
      STORED_MAX,
    );
  }
}
