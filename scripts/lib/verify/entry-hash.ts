import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import type { ZipEntry, ZipFile } from "./zip-file.ts";

/**
 * One streaming pass over an entry: its SHA-256 (what datapackage.json states) and its CRC-32 (what the
 * zip's central directory states), so a many-GB WARC is read once and never held in memory.
 */
export async function hashEntry(zip: ZipFile, entry: ZipEntry): Promise<{ sha256: string; crc32: number }> {
  const hash = createHash("sha256");
  let crc = 0;
  for await (const chunk of zip.stream(entry)) {
    hash.update(chunk);
    crc = crc32(chunk, crc);
  }
  return { sha256: hash.digest("hex"), crc32: crc };
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}
