import { DurableObject } from "cloudflare:workers";
import type { AuditEntry, AuditInput } from "./audit-entry.ts";
import { AuditLog } from "./audit-log.ts";

/** What the writer needs from the Worker's bindings: the main D1, where audit_log lives. */
type WriterEnv = { DB: D1Database };

type Waiting = { input: AuditInput; resolve: (entry: AuditEntry) => void; reject: (error: unknown) => void };

/** Most entries one D1 transaction carries. */
const MAX_BATCH = 100;

/**
 * The audit log's single writer, one Durable Object for the whole deployment. Each look appends through it:
 * appends arriving while a write is under way wait and go together in the next transaction, chained in the
 * order they arrived. With many isolates appending directly, every append had to read the head and race the
 * others for the next sequence number (a 1,000-look burst in the scale suite lost most races past any retry
 * budget); one writer never races, and a burst costs a few D1 transactions. An append that fails is refused
 * to its caller, which refuses the look (front/audit-look.ts).
 */
export class AuditWriter extends DurableObject<WriterEnv> {
  #waiting: Waiting[] = [];
  #writing: Promise<void> | null = null;

  append(input: AuditInput): Promise<AuditEntry> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ input, resolve, reject });
      this.#writing ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting.splice(0, MAX_BATCH);
        try {
          const entries = await new AuditLog(this.env.DB).appendMany(batch.map((w) => w.input));
          batch.forEach((w, i) => {
            const entry = entries[i];
            if (entry) w.resolve(entry);
            else w.reject(new Error("audit log: an entry of the batch was not written"));
          });
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.#writing = null;
    }
  }
}

/**
 * The writer as its callers see it (the env binding's type): the one call, typed plainly, since the RPC
 * mapping of AuditInput's recursive detail type is too deep for the compiler.
 */
export type AuditWriterObject = Rpc.DurableObjectBranded & {
  append(input: AuditInput): Promise<AuditEntry>;
};

/** The one writer's name: every isolate reaches the same object. */
export const AUDIT_WRITER = "audit-log";
