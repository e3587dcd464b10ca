import { createHash, type Hash } from "node:crypto";

/**
 * Digests of one WARC record's block, fed chunk by chunk as warcio reads it: the block digest over every
 * byte (WARC 1.1 §5.8, WARC-Block-Digest) and, for records whose block is an HTTP message, the payload
 * digest over what follows the header block's blank line (§5.9, WARC-Payload-Digest). The HTTP head is
 * kept (bounded) so the status line and headers can be compared with the evidence record; the payload is
 * only hashed and counted, so a large body never sits in memory.
 */

/** An HTTP head longer than this is not one the recorder wrote; its headers are cut by the masker long before. */
const MAX_HEAD = 1 << 20;
const CR = 13;
const LF = 10;

export type BlockDigests = {
  block: string;
  /** Undefined when the block is not an HTTP message or its head never ends. */
  payload: string | undefined;
  payloadLength: number;
  head: Uint8Array | undefined;
};

export class BlockDigester {
  readonly #block: Hash = createHash("sha256");
  readonly #payload: Hash = createHash("sha256");
  readonly #http: boolean;
  #head: number[] | null;
  /** How much of CR LF CR LF the last bytes matched. */
  #matched = 0;
  #payloadLength = 0;
  #headEnded = false;

  constructor(http: boolean) {
    this.#http = http;
    this.#head = http ? [] : null;
  }

  update(chunk: Uint8Array): void {
    this.#block.update(chunk);
    if (!this.#http) return;
    if (this.#headEnded) {
      this.#payload.update(chunk);
      this.#payloadLength += chunk.length;
      return;
    }
    const head = this.#head ?? [];
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] ?? 0;
      if (head.length < MAX_HEAD) head.push(byte);
      this.#matched = nextMatch(this.#matched, byte);
      if (this.#matched === 4) {
        this.#headEnded = true;
        const rest = chunk.subarray(i + 1);
        this.#payload.update(rest);
        this.#payloadLength += rest.length;
        return;
      }
    }
  }

  digest(): BlockDigests {
    const ended = this.#http && this.#headEnded;
    return {
      block: this.#block.digest("hex"),
      payload: ended ? this.#payload.digest("hex") : undefined,
      payloadLength: this.#payloadLength,
      head: ended && this.#head ? Uint8Array.from(this.#head) : undefined,
    };
  }
}

/** A tiny matcher for CR LF CR LF; partial matches only ever restart at a CR. */
function nextMatch(matched: number, byte: number): number {
  const want = matched % 2 === 0 ? CR : LF;
  if (byte === want) return matched + 1;
  return byte === CR ? 1 : 0;
}
