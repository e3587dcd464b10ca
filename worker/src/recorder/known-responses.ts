import type { BlobRow } from "../record/rows.ts";
import { classify, type ContentClass } from "../snapshot/content-class.ts";
import { sha256Hex } from "../snapshot/record-hash.ts";
import { Lru } from "../util/lru.ts";

/**
 * Responses this shard has recorded, by URL, validator (ETag or Last-Modified) and length: the same three
 * again name the same bytes (RFC 9110 §8.8), so the body is recorded as a reference to the stored one
 * without being read, masked or hashed again. One in VERIFY_EVERY is still read in full and compared: a
 * validator that lies (same ETag, other bytes) is caught, counted and the entry replaced.
 *
 * Keys are SHA-256 of the raw URL, validator and length: no unmasked URL is kept in memory as a key.
 */
export type KnownResponse = {
  digest: string;
  size: number | null;
  note: string | null;
  blob: BlobRow | null;
};

export const VERIFY_EVERY = 32;

const known = new Lru<string, KnownResponse>(10_000);
let seen = 0;

/**
 * Only assets are skipped: an HTML or JSON body can name its customer (masking links the session to them)
 * or declare forms, which a reference would not see again.
 */
const SKIPPABLE: ReadonlySet<ContentClass> = new Set(["css", "js", "image", "font"]);

export async function responseKey(
  method: string,
  url: string,
  status: number,
  headers: Headers,
): Promise<string | null> {
  if (!SKIPPABLE.has(classify(headers.get("content-type")))) return null;
  const validator = headers.get("etag") ?? headers.get("last-modified");
  const length = headers.get("content-length");
  if (method !== "GET" || status !== 200 || !validator || !length || !/^\d+$/.test(length)) return null;
  // Weak validators promise equivalence, not identical bytes (RFC 9110 §8.8.1): not enough to skip reading.
  if (validator.startsWith("W/")) return null;
  return sha256Hex(`${url}\n${validator}\n${length}\n${headers.get("content-encoding") ?? ""}`);
}

/** The stored response these name, unless this one is sampled for re-verification. */
export function knownResponse(key: string): { known: KnownResponse; verify: boolean } | null {
  const entry = known.get(key);
  if (!entry) return null;
  return { known: entry, verify: ++seen % VERIFY_EVERY === 0 };
}

export function rememberResponse(key: string, response: KnownResponse): void {
  known.set(key, response);
}
