/** One export's row (migrations/0012_create_exports.sql), in the control database. */
export type ExportRow = {
  id: string;
  scope: string;
  format: "wacz";
  status: "queued" | "running" | "done" | "failed";
  requested_by: string;
  created_at: number;
  updated_at: number;
  slices_total: number | null;
  slices_done: number;
  records: number;
  bytes: number;
  tree_size: number | null;
  object_key: string | null;
  sha256: string | null;
  error: string | null;
};

type Progress = Partial<
  Pick<
    ExportRow,
    | "status"
    | "slices_total"
    | "slices_done"
    | "records"
    | "bytes"
    | "tree_size"
    | "object_key"
    | "sha256"
    | "error"
  >
>;

const PROGRESS_COLUMNS: ReadonlyArray<keyof Progress> = [
  "status",
  "slices_total",
  "slices_done",
  "records",
  "bytes",
  "tree_size",
  "object_key",
  "sha256",
  "error",
];

/** The exports table: the API creates rows, the Workflow reports progress into them. */
export class ExportTable {
  readonly #db: D1Database;

  constructor(db: D1Database) {
    this.#db = db;
  }

  async create(row: Pick<ExportRow, "id" | "scope" | "requested_by" | "created_at">): Promise<void> {
    await this.#db
      .prepare(
        "INSERT INTO exports (id, scope, format, status, requested_by, created_at, updated_at) VALUES (?, ?, 'wacz', 'queued', ?, ?, ?)",
      )
      .bind(row.id, row.scope, row.requested_by, row.created_at, row.created_at)
      .run();
  }

  get(id: string): Promise<ExportRow | null> {
    return this.#db.prepare("SELECT * FROM exports WHERE id = ?").bind(id).first<ExportRow>();
  }

  async list(limit: number, before: number = Number.MAX_SAFE_INTEGER): Promise<ExportRow[]> {
    const { results } = await this.#db
      .prepare("SELECT * FROM exports WHERE created_at < ? ORDER BY created_at DESC LIMIT ?")
      .bind(before, limit)
      .all<ExportRow>();
    return results;
  }

  async progress(id: string, fields: Progress, now: number = Date.now()): Promise<void> {
    const set = PROGRESS_COLUMNS.filter((c) => fields[c] !== undefined);
    await this.#db
      .prepare(
        `UPDATE exports SET ${[...set.map((c) => `${c} = ?`), "updated_at = ?"].join(", ")} WHERE id = ?`,
      )
      .bind(...set.map((c) => fields[c] ?? null), now, id)
      .run();
  }
}
