import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { gzipSync } from "fflate";

/**
 * One WARC/1.1 record, serialised by hand (WARC 1.1 §4-§5): the version line, named fields, an empty line,
 * the block, two CRLFs. warcio's WARCSerializer would do this, but it hashes with hash-wasm, which
 * compiles WebAssembly at run time, and workerd refuses that ("Wasm code generation disallowed by
 * embedder", tried in this suite). warcio stays the independent reader in the tests.
 */
export type WarcFields = ReadonlyArray<readonly [string, string]>;

const CRLF = "\r\n";

export function warcRecord(fields: WarcFields, block: Uint8Array): Uint8Array {
  const lines = ["WARC/1.1", ...fields.map(([n, v]) => `${n}: ${v}`), `Content-Length: ${block.length}`];
  const head = utf8ToBytes(lines.join(CRLF) + CRLF + CRLF);
  const out = new Uint8Array(head.length + block.length + 4);
  out.set(head, 0);
  out.set(block, head.length);
  out.set([13, 10, 13, 10], head.length + block.length);
  return out;
}

/** fflate's deflate levels: 0 stores (no compression, fastest), 9 compresses most. */
export type GzipLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/**
 * One gzip member per record (WARC 1.1 Annex D.2), so any record can be read alone from its offset. No
 * timestamp in the gzip header (mtime 0): the same record gives the same bytes when a step is retried.
 */
export function gzipMember(record: Uint8Array, level: GzipLevel): Uint8Array {
  return gzipSync(record, { level, mtime: 0 });
}

/**
 * `sha256:<hex>` of `bytes` (WARC 1.1 §5.8, §5.9 labelled digests). WebCrypto rather than @noble/hashes:
 * the whole block is in hand, and the runtime's native SHA-256 is about twice as fast on this path, where
 * every body is hashed twice (payload, block) and every record once more (the index's recordDigest).
 */
export async function sha256Label(bytes: Uint8Array): Promise<string> {
  return `sha256:${bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)))}`;
}

/**
 * A record id that is a function of what the record is (`name`), so a retried slice writes the same ids.
 * UUIDv8 (RFC 9562 §5.8, the name-based SHA-256 example): the first 128 bits of SHA-256(name) with the
 * version and variant bits set.
 */
export function recordId(name: string): string {
  const b = sha256(utf8ToBytes(`verbatim warc record: ${name}`)).slice(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x80;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytesToHex(b);
  return `<urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}>`;
}

/** WARC-Date (WARC 1.1 §5.4): UTC, with the milliseconds the recorder measured. */
export function warcDate(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
