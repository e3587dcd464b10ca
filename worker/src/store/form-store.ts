import type { DeclaredForm } from "../mask/forms.ts";
import { parseDeclaredFields } from "./declared-fields.ts";
import type { LearnedFormRow } from "../record/rows.ts";

/** A learned_forms row as read: `form` is null when its stored fields did not validate (see declared-fields.ts). */
export type StoredForm = { form: DeclaredForm | null; hash: string };

/**
 * learned_forms in D1: what each form action declared, shared by every isolate. Writes are conditional on
 * the version the writer read (`fields_hash`), so two isolates that learn different fields of one form at
 * the same time cannot silently drop each other's: the loser re-reads, merges and tries again.
 */
export class FormStore {
  readonly #db: D1Database;

  constructor(db: D1Database) {
    this.#db = db;
  }

  async get(key: string): Promise<StoredForm | null> {
    const row = await this.#db
      .prepare("SELECT method, path, fields, fields_hash FROM learned_forms WHERE form_key = ?")
      .bind(key)
      .first<Pick<LearnedFormRow, "method" | "path" | "fields" | "fields_hash">>();
    if (row === null) return null;
    const fields = parseDeclaredFields(row.fields);
    return {
      form: fields === null ? null : { method: row.method, path: row.path, fields },
      hash: row.fields_hash,
    };
  }

  /**
   * Stores `fields` (serialised by serializeDeclaredFields, hashed as `hash`) for the form under `key`,
   * if the stored version is still `expected` (null: no row yet). False when another writer got there first.
   */
  async put(
    key: string,
    form: Pick<DeclaredForm, "method" | "path">,
    fields: string,
    hash: string,
    expected: string | null,
    at: number,
  ): Promise<boolean> {
    const result = await this.#db
      .prepare(
        `INSERT INTO learned_forms (form_key, method, path, fields, fields_hash, first_seen, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
         ON CONFLICT (form_key) DO UPDATE SET
           fields = excluded.fields, fields_hash = excluded.fields_hash, updated_at = excluded.updated_at
         WHERE learned_forms.fields_hash IS ?7`,
      )
      .bind(key, form.method, form.path, fields, hash, at, expected)
      .run();
    return result.meta.changes > 0;
  }
}
