import { gunzipSync } from "node:zlib";
import { segmentMembersIn } from "../../../scripts/lib/segment-members.ts";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { Needle } from "./secrets.ts";

/** One place a secret was found: which secret, in which encoding, in which file or API response. */
export type Hit = { where: string; secret: string; encoding: string; offset: number; context: string };

const GZIP = [0x1f, 0x8b] as const;

async function* files(dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

/** A few printable characters around a hit, secrets of other kinds left in: enough to find the spot. */
function around(bytes: Buffer, offset: number, length: number): string {
  const from = Math.max(0, offset - 40);
  return bytes
    .subarray(from, Math.min(bytes.length, offset + length + 40))
    .toString("latin1")
    .replace(/[^\x20-\x7e]/g, ".");
}

/**
 * Every needle in `bytes`, in its gunzipped content when it is gzip (all members, like zcat), and in every
 * index-segment member it holds (zlib with the chunk dictionary).
 */
export function scanBytes(where: string, bytes: Buffer, needles: readonly Needle[]): Hit[] {
  const hits: Hit[] = [];
  const look = (label: string, data: Buffer) => {
    for (const needle of needles) {
      const offset = data.indexOf(needle.bytes);
      if (offset >= 0)
        hits.push({
          where: label,
          secret: needle.secret,
          encoding: needle.encoding,
          offset,
          context: around(data, offset, needle.bytes.length),
        });
    }
  };
  look(where, bytes);
  if (bytes[0] === GZIP[0] && bytes[1] === GZIP[1]) {
    let plain: Buffer | null = null;
    try {
      plain = gunzipSync(bytes);
    } catch {
      plain = null;
    }
    if (plain) look(`${where} (gunzip)`, plain);
  }
  for (const [i, member] of segmentMembersIn(bytes).entries()) look(`${where} (segment member ${i})`, member);
  return hits;
}

/** Scans every regular file under each directory (SQLite databases with their -wal/-shm files included). */
export async function scanDirectories(
  dirs: readonly string[],
  needles: readonly Needle[],
): Promise<{ files: number; bytes: number; hits: Hit[] }> {
  let count = 0;
  let total = 0;
  const hits: Hit[] = [];
  for (const dir of dirs) {
    for await (const path of files(dir)) {
      const bytes = await readFile(path);
      count++;
      total += bytes.length;
      hits.push(...scanBytes(`${relative(dir, path)} [in ${dir}]`, bytes, needles));
    }
  }
  return { files: count, bytes: total, hits };
}

/** One line per hit, for assertion messages. */
export function describeHits(hits: readonly Hit[]): string {
  return hits
    .map((h) => `${h.secret} as ${h.encoding} in ${h.where} @${h.offset}: …${h.context}…`)
    .join("\n");
}
