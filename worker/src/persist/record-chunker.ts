import type { ChunkMessage, RecordMessage } from "../record/record-message.ts";

/** A record sink: the recording pipeline's last stage hands each masked record to one. */
export interface RecordSink {
  send(message: RecordMessage): Promise<void>;
}

/** Where finished chunks go (the outbox: the records queue, or the shard's storage while it is down). */
export interface ChunkSink {
  send(chunk: ChunkMessage): Promise<void>;
}

/** Flush a session's chunk at this many records, or this many JSON characters (3 bytes each at worst: < 128 KB). */
const MAX_RECORDS = 100;
const MAX_CHARS = 40_000;

type Pending = {
  records: RecordMessage[];
  chars: number;
  settle: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
  timer: ReturnType<typeof setTimeout>;
};

/**
 * Coalesces one session's records for up to `coalesceMs` into one chunk: one queue message and one index
 * row for the exchanges of a page view instead of one per exchange. Each `send` resolves when its chunk has
 * left (queued, or parked by the outbox), so the caller (the visitor isolate's hand-off, waiting in
 * `waitUntil`) keeps the shard busy until then: records are never held in memory by an idle object.
 */
export class RecordChunker implements RecordSink {
  readonly #out: ChunkSink;
  readonly #coalesceMs: number;
  readonly #pending = new Map<string, Pending>();

  constructor(out: ChunkSink, coalesceMs: number) {
    this.#out = out;
    this.#coalesceMs = coalesceMs;
  }

  send(record: RecordMessage): Promise<void> {
    const session = record.exchange.session_id;
    const chars = JSON.stringify(record).length;
    const open = this.#pending.get(session);
    if (open && open.chars + chars > MAX_CHARS) this.#flush(session);
    return new Promise<void>((resolve, reject) => {
      let pending = this.#pending.get(session);
      if (!pending) {
        pending = {
          records: [],
          chars: 0,
          settle: [],
          timer: setTimeout(() => this.#flush(session), this.#coalesceMs),
        };
        this.#pending.set(session, pending);
      }
      pending.records.push(record);
      pending.chars += chars;
      pending.settle.push({ resolve, reject });
      if (pending.records.length >= MAX_RECORDS) this.#flush(session);
    });
  }

  #flush(session: string): void {
    const pending = this.#pending.get(session);
    if (!pending) return;
    this.#pending.delete(session);
    clearTimeout(pending.timer);
    const records = pending.records.sort((a, b) => (a.exchange.id < b.exchange.id ? -1 : 1));
    this.#out.send({ v: 2, session_id: session, records }).then(
      () => pending.settle.forEach((s) => s.resolve()),
      (error: unknown) => pending.settle.forEach((s) => s.reject(error)),
    );
  }
}
