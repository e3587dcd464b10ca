import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "fflate";
import type { ExportFile } from "./build-export.ts";

/**
 * Edits an attacker could make to an export, on bytes: flip one byte of the packed zip, or change a file
 * before it is packed again (re-hashed into datapackage.json and re-signed). WARC edits work on one gzip
 * member at a time, as the records are stored: gunzip, change, gzip again.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A copy of `bytes` with the byte at `at` changed (every bit inverted). */
export function flipByte(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = (copy[at] ?? 0) ^ 0xff;
  return copy;
}

/** A copy of `text`'s bytes with the first occurrence of `from` (after `after`, if given) replaced. */
export function replaceText(bytes: Uint8Array, from: string, to: string, after = ""): Uint8Array {
  const text = decoder.decode(bytes);
  const start = after === "" ? 0 : text.indexOf(after);
  const at = start < 0 ? -1 : text.indexOf(from, start);
  if (at < 0) throw new Error(`tamper: ${JSON.stringify(from)} not found`);
  return encoder.encode(text.slice(0, at) + to + text.slice(at + from.length));
}

/** A copy of binary `bytes` with the first `from` (ASCII) at or after `after` replaced by `to`. */
export function replaceBytes(bytes: Uint8Array, from: string, to: string, after = ""): Uint8Array {
  const start = after === "" ? 0 : indexOfBytes(bytes, encoder.encode(after));
  const at = start < 0 ? -1 : indexOfBytes(bytes, encoder.encode(from), start);
  if (at < 0) throw new Error(`tamper: ${JSON.stringify(from)} not found`);
  return splice(bytes, at, from.length, encoder.encode(to));
}

export function fileOf(files: readonly ExportFile[], name: string): Uint8Array {
  const file = files.find((f) => f.name === name);
  if (!file) throw new Error(`tamper: no ${name} in the export`);
  return file.bytes;
}

/** The files with `name` replaced by `edit(its bytes)`; null removes it. */
export function withFile(
  files: readonly ExportFile[],
  name: string,
  edit: (bytes: Uint8Array) => Uint8Array | null,
): ExportFile[] {
  const out: ExportFile[] = [];
  for (const file of files) {
    if (file.name !== name) {
      out.push(file);
      continue;
    }
    const bytes = edit(file.bytes);
    if (bytes) out.push({ name, bytes });
  }
  return out;
}

/** JSON Lines with line `index` (0-based) passed through `edit` (null drops it). */
export function editLine(
  bytes: Uint8Array,
  index: number,
  edit: (line: string) => string | null,
): Uint8Array {
  const lines = decoder.decode(bytes).split("\n");
  const line = lines[index];
  if (line === undefined) throw new Error(`tamper: no line ${index}`);
  const edited = edit(line);
  if (edited === null) lines.splice(index, 1);
  else lines[index] = edited;
  return encoder.encode(lines.join("\n"));
}

/** The WARC with the gzip member at [offset, offset + length) gunzipped, edited and gzipped again. */
export function editMember(
  warc: Uint8Array,
  offset: number,
  length: number,
  edit: (record: Uint8Array) => Uint8Array,
): Uint8Array {
  const record = gunzipSync(warc.subarray(offset, offset + length));
  return splice(warc, offset, length, gzipSync(edit(record), { level: 6, mtime: 0 }));
}

/** `bytes` with [offset, offset + length) replaced by `insert`. */
export function splice(bytes: Uint8Array, offset: number, length: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length - length + insert.length);
  out.set(bytes.subarray(0, offset), 0);
  out.set(insert, offset);
  out.set(bytes.subarray(offset + length), offset + insert.length);
  return out;
}

/** The index of the first occurrence of `needle` in `bytes` at or after `from`. */
export function indexOfBytes(bytes: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * A WARC record (uncompressed) whose block is passed through `edit`, with Content-Length and
 * WARC-Block-Digest made to fit again: the edit of someone who knows the format.
 */
export function rewriteBlock(record: Uint8Array, edit: (block: Uint8Array) => Uint8Array): Uint8Array {
  const split = indexOfBytes(record, encoder.encode("\r\n\r\n"));
  const head = decoder.decode(record.subarray(0, split));
  const block = edit(record.subarray(split + 4, record.length - 4));
  const digest = createHash("sha256").update(block).digest("hex");
  const newHead = head
    .replace(/\r\nContent-Length: \d+/, `\r\nContent-Length: ${block.length}`)
    .replace(/\r\nWARC-Block-Digest: sha256:[0-9a-f]{64}/, `\r\nWARC-Block-Digest: sha256:${digest}`);
  const out = encoder.encode(`${newHead}\r\n\r\n`);
  const whole = new Uint8Array(out.length + block.length + 4);
  whole.set(out, 0);
  whole.set(block, out.length);
  whole.set([13, 10, 13, 10], out.length + block.length);
  return whole;
}
