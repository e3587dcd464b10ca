import { canonicalJson } from "../snapshot/record-hash.ts";
import type { AuditEntry, ChainHead } from "./audit-entry.ts";
import { ChainVerifier, ENTRY_FIELDS, GENESIS_HEAD, entryFrom } from "./audit-entry.ts";

/**
 * The compliance export: JSON Lines, one entry per line with its fields in the fixed order of ENTRY_FIELDS
 * (details with sorted keys), then one trailer line with the log's head at export time and the number of
 * entries. Anyone can check a file offline with `verifyExport`, without access to Verbatim:
 *
 * - every entry must match its own hash, and consecutive entries must link, so an edited line shows;
 * - the trailer's count catches dropped lines, a missing trailer a truncated file;
 * - an unfiltered export (every entry from 1 to the head) is the whole chain, `complete: true`.
 *
 * A hash chain proves consistency, not authorship: whoever rewrites every entry can recompute every hash.
 * Compare the trailer's head with one recorded independently (the evidence log's tree heads).
 */

export type ExportTrailer = { head: ChainHead; entries: number };

export function exportLine(entry: AuditEntry): string {
  return `{${ENTRY_FIELDS.map((f) => `${JSON.stringify(f)}:${canonicalJson(entry[f])}`).join(",")}}\n`;
}

/** `head` is the log's head when the export was made (null: the log was empty). */
export function exportTrailer(head: ChainHead | null, entries: number): string {
  const trailer: ExportTrailer = { head: head ?? GENESIS_HEAD, entries };
  return `${JSON.stringify({ head: { seq: trailer.head.seq, hash: trailer.head.hash }, entries })}\n`;
}

/** Entries in ascending seq order; a filtered export is a subset of the log, in the same order. */
export function exportJsonLines(entries: readonly AuditEntry[], head: ChainHead | null): Uint8Array {
  return new TextEncoder().encode(entries.map(exportLine).join("") + exportTrailer(head, entries.length));
}

export type ExportCheck =
  | { ok: true; head: ChainHead; entries: number; complete: boolean }
  | { ok: false; line: number; reason: string };

/** Checks an exported file (see the opening comment for what that proves). */
export async function verifyExport(file: Uint8Array | string): Promise<ExportCheck> {
  let text: string;
  try {
    // An editor may add a byte-order mark; invalid UTF-8 is a damaged file, not something to guess around.
    text =
      typeof file === "string"
        ? file
        : new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(file);
  } catch {
    return { ok: false, line: 0, reason: "the file is not UTF-8" };
  }
  if (!text.endsWith("\n"))
    return { ok: false, line: 0, reason: "the file does not end with a line break (truncated?)" };
  const lines = text.slice(0, -1).split("\n");
  const trailer = trailerFrom(lines.pop());
  if (trailer === null)
    return { ok: false, line: lines.length + 1, reason: "no trailer with the head (truncated?)" };
  if (trailer.entries !== lines.length)
    return {
      ok: false,
      line: lines.length + 1,
      reason: `the trailer counts ${trailer.entries} entries, the file has ${lines.length}`,
    };

  // Each run of consecutive seqs is a piece of the chain; a run starting at 1 must start from genesis.
  let run: ChainVerifier | null = null;
  let first: AuditEntry | null = null;
  for (const [index, line] of lines.entries()) {
    const parsed = entryOfLine(line);
    if (!parsed.ok) return { ok: false, line: index + 1, reason: parsed.reason };
    const entry = parsed.entry;
    first ??= entry;
    if (run === null || entry.seq > run.head.seq + 1)
      run = new ChainVerifier(entry.seq === 1 ? GENESIS_HEAD : { seq: entry.seq - 1, hash: entry.prevHash });
    if (!(await run.add(entry))) {
      const failure = run.result();
      return { ok: false, line: index + 1, reason: failure.ok ? "broken chain" : failure.reason };
    }
  }
  const last = run?.head ?? null;
  if (last !== null && last.seq > trailer.head.seq)
    return {
      ok: false,
      line: lines.length,
      reason: `entry ${last.seq} is past the head ${trailer.head.seq}`,
    };
  if (last !== null && last.seq === trailer.head.seq && last.hash !== trailer.head.hash)
    return { ok: false, line: lines.length, reason: `entry ${last.seq} is not the head the trailer names` };
  const complete = trailer.head.seq === lines.length && (lines.length === 0 || first?.seq === 1);
  return { ok: true, head: trailer.head, entries: lines.length, complete };
}

function entryOfLine(line: string): ReturnType<typeof entryFrom> {
  try {
    const raw: unknown = JSON.parse(line);
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
      return { ok: false, reason: "not an entry" };
    return entryFrom(raw as Record<string, unknown>);
  } catch {
    return { ok: false, reason: "not JSON" };
  }
}

function trailerFrom(line: string | undefined): ExportTrailer | null {
  try {
    const raw: unknown = JSON.parse(line ?? "");
    if (typeof raw !== "object" || raw === null) return null;
    const { head, entries } = raw as { head?: { seq?: unknown; hash?: unknown }; entries?: unknown };
    if (!Number.isSafeInteger(entries) || typeof head !== "object" || head === null) return null;
    const { seq, hash } = head;
    if (!Number.isSafeInteger(seq) || typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash)) return null;
    return { head: { seq: seq as number, hash }, entries: entries as number };
  } catch {
    return null;
  }
}
