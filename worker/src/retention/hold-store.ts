import { VerbatimError } from "../errors/verbatim-error.ts";
import type { Partitions } from "../store/partitions.ts";
import { isHoldKind, type Hold } from "./hold.ts";

type HoldRow = Omit<Hold, "kind"> & { kind: string };

/** Legal holds in the control database (migrations/0011). Rows are lifted, never deleted (a trigger refuses). */
export class HoldStore {
  readonly #partitions: Partitions;

  constructor(partitions: Partitions) {
    this.#partitions = partitions;
  }

  /** Every hold, newest first; lifted ones too (they are history). */
  async list(): Promise<Hold[]> {
    const { results } = await this.#partitions.control
      .prepare("SELECT * FROM legal_holds ORDER BY placed_at DESC, id DESC LIMIT 1000")
      .all<HoldRow>();
    return results.flatMap(checked);
  }

  async get(id: string): Promise<Hold | null> {
    const row = await this.#partitions.control
      .prepare("SELECT * FROM legal_holds WHERE id = ?")
      .bind(id)
      .first<HoldRow>();
    return row ? (checked(row)[0] ?? null) : null;
  }

  async active(): Promise<Hold[]> {
    const { results } = await this.#partitions.control
      .prepare("SELECT * FROM legal_holds WHERE lifted_at IS NULL")
      .all<HoldRow>();
    return results.flatMap(checked);
  }

  async insert(hold: Hold): Promise<void> {
    await this.#partitions.control
      .prepare(
        `INSERT INTO legal_holds (id, kind, value, reason, placed_by, placed_at) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .bind(hold.id, hold.kind, hold.value, hold.reason, hold.placed_by, hold.placed_at)
      .run();
  }

  /** Lifts an active hold; false when it was lifted already (by someone else in the meantime). */
  async lift(id: string, reason: string, by: string, at: number): Promise<boolean> {
    const result = await this.#partitions.control
      .prepare(
        "UPDATE legal_holds SET lifted_by = ?, lifted_at = ?, lift_reason = ? WHERE id = ? AND lifted_at IS NULL",
      )
      .bind(by, at, reason, id)
      .run();
    return (result.meta.changes ?? 0) > 0;
  }

  /**
   * The sessions a customer hold covers, in every partition: session_customers is keyed by token first, so
   * each is one index range.
   */
  async sessionsOfCustomers(tokens: ReadonlyMap<string, string>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const [token, holdId] of tokens)
      for (const p of this.#partitions.all) {
        const { results } = await p.db
          .prepare("SELECT session_id FROM session_customers WHERE customer_token = ?")
          .bind(token)
          .all<{ session_id: string }>();
        for (const row of results) out.set(row.session_id, holdId);
      }
    return out;
  }
}

/** A stored row, its kind checked rather than trusted (a hand-edited row of another kind is left out). */
function checked(row: HoldRow): Hold[] {
  if (!isHoldKind(row.kind)) return [];
  return [{ ...row, kind: row.kind }];
}

/** Why a lift was refused, for the API and the console. */
export function liftRefusal(hold: Hold | null, id: string): VerbatimError | null {
  if (!hold) return new VerbatimError("not_found", `no legal hold ${id}`);
  if (hold.lifted_at !== null)
    return new VerbatimError(
      "bad_query",
      `legal hold ${id} was already lifted by ${hold.lifted_by ?? "someone"}`,
    );
  return null;
}
