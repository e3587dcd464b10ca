import { hexToBytes } from "@noble/hashes/utils.js";
import type { Checkpoint } from "../../../worker/src/evidence/checkpoint.ts";
import { leafHash, verifyInclusion } from "../../../worker/src/evidence/merkle.ts";
import { recordHash } from "../../../worker/src/snapshot/record-hash.ts";
import { entryLines } from "./entry-lines.ts";
import { VerifyFailure } from "./failure.ts";
import { HEX_64, isCount, isObject, parseJson } from "./json-shape.ts";
import type { Slice } from "./layout.ts";
import type { PageView } from "./pages-check.ts";
import { type EvidenceRecord, firstDifference } from "./record-match.ts";
import type { WarcRecordInfo } from "./warc-check.ts";
import type { ZipFile } from "./zip-file.ts";

/**
 * Step 5 of docs/evidence.md §3, for one slice: each evidence line's record hashes to its `record_hash`
 * (so no field of it changed), that hash is leaf `leaf` of the tree the checkpoint signs (so the log holds
 * it), and the WARC record it points at says the same (record-match.ts). Lines and the WARC's exchanges
 * correspond one to one and in the same order: a WARC exchange without a line, a line without a WARC
 * exchange, or two swapped, each fail by name.
 */
type EvidenceLine = {
  id: string;
  warc: string;
  offset: number;
  length: number;
  record: EvidenceRecord & { record_hash: string };
  leaf: number;
  proof: Uint8Array[];
};

const PRIMARY = new Set(["response", "revisit"]);

export async function checkEvidence(
  zip: ZipFile,
  slice: Slice,
  warc: readonly WarcRecordInfo[],
  checkpoint: Checkpoint,
  /** Leaves seen in earlier slices: a record exported twice is caught across slices too. */
  seenLeaves: Set<number>,
  /** Filled with the records marked as page views, for the pages check. */
  pageViews: Map<string, PageView>,
): Promise<number> {
  const file = slice.evidence;
  const entry = zip.entry(file);
  if (!entry) throw new VerifyFailure("zip", { file }, "is missing from the export");
  const primaries = warc.filter((r) => PRIMARY.has(r.type));
  const primaryOf = new Map<string, WarcRecordInfo>();
  const requestOf = new Map<string, WarcRecordInfo>();
  for (const record of warc) {
    const exchange = record.exchange;
    if (exchange === undefined) continue;
    const fail = (message: string) =>
      new VerifyFailure("warc", { file: slice.warc, record: record.number, exchange }, message);
    if (record.type === "request") {
      if (requestOf.has(exchange)) throw fail("is a second request record for the exchange");
      requestOf.set(exchange, record);
    } else if (PRIMARY.has(record.type)) {
      if (primaryOf.has(exchange)) throw fail(`is a second ${record.type} record for the exchange`);
      primaryOf.set(exchange, record);
    }
  }
  for (const [exchange, request] of requestOf) {
    if (!primaryOf.has(exchange)) {
      throw new VerifyFailure(
        "warc",
        { file: slice.warc, record: request.number, exchange },
        "request record has no response or revisit record",
      );
    }
  }

  let count = 0;
  for await (const { number, text } of entryLines(zip, entry)) {
    const line = readLine(text);
    if ("problem" in line) {
      const where = { file, line: number, ...(line.id === undefined ? {} : { exchange: line.id }) };
      throw new VerifyFailure("evidence", where, line.problem);
    }
    const fail = (message: string) =>
      new VerifyFailure("evidence", { file, line: number, exchange: line.id }, message);
    if (line.warc !== slice.warc) throw fail(`points into ${line.warc}, not its slice's ${slice.warc}`);
    const { record_hash: stated, ...hashed } = line.record;
    if (hashed["id"] !== line.id) throw fail(`record is exchange ${JSON.stringify(hashed["id"])}`);
    const recomputed = await recordHash(hashed);
    if (recomputed !== stated) {
      throw fail(
        `record hash: the record's fields hash to ${recomputed}, its record_hash says ${stated} (a field of the record was changed)`,
      );
    }
    if (line.leaf >= checkpoint.size)
      throw fail(`leaf ${line.leaf} is outside the checkpoint's tree of ${checkpoint.size}`);
    if (seenLeaves.has(line.leaf)) throw fail(`leaf ${line.leaf} is exported twice`);
    seenLeaves.add(line.leaf);
    const leaf = await leafHash(hexToBytes(stated));
    if (!(await verifyInclusion(leaf, line.leaf, checkpoint.size, line.proof, checkpoint.rootHash))) {
      throw fail(
        `inclusion proof: record_hash ${stated} as leaf ${line.leaf} does not lead to the checkpoint's root (tree size ${checkpoint.size})`,
      );
    }

    const inWarc = primaryOf.get(line.id);
    if (!inWarc)
      throw fail(`is not in ${slice.warc}: no response or revisit record carries the exchange (dropped?)`);
    const expected = primaries[count];
    if (expected !== inWarc) {
      throw fail(
        `order: evidence line ${number} is this exchange, but exchange ${count + 1} of ${slice.warc} is ${expected?.exchange ?? "(none)"} (record ${expected?.number ?? "-"}); this one is its record ${inWarc.number}`,
      );
    }
    const difference = firstDifference(line.record, inWarc, requestOf.get(line.id));
    if (difference) throw fail(difference);
    // Offsets last: they are not part of the hashed record, so a mismatch there says less than one above.
    if (line.offset !== inWarc.offset || line.length !== inWarc.length) {
      throw fail(
        `points at offset ${line.offset} length ${line.length}, the exchange's ${inWarc.type} record is at offset ${inWarc.offset} length ${inWarc.length}`,
      );
    }
    const { page_view: pageView, url, started_at: startedAt } = line.record;
    if (pageView === 1 && typeof url === "string" && typeof startedAt === "number") {
      pageViews.set(line.id, { url, ts: new Date(startedAt).toISOString() });
    }
    count++;
  }
  const unmatched = primaries[count];
  if (unmatched) {
    throw new VerifyFailure(
      "evidence",
      {
        file: slice.warc,
        record: unmatched.number,
        ...(unmatched.exchange ? { exchange: unmatched.exchange } : {}),
      },
      `has no evidence line in ${file} (${count} lines for ${primaries.length} exchanges)`,
    );
  }
  return count;
}

/** The line as data, or why it is not an evidence line. */
function readLine(text: string): EvidenceLine | { problem: string; id: string | undefined } {
  const json = parseJson(text);
  const id = isObject(json) && typeof json["id"] === "string" && json["id"] !== "" ? json["id"] : undefined;
  const bad = (problem: string) => ({ problem, id });
  if (!isObject(json)) return bad("is not a JSON object");
  const { warc, offset, length, record, leaf, proof } = json;
  if (id === undefined) return bad('has no exchange "id"');
  if (typeof warc !== "string") return bad('has no "warc" file name');
  if (!isCount(offset) || !isCount(length)) return bad('has no whole-number "offset" and "length"');
  // The export job writes `leaf: null` and why (`unproven`) for a record the log did not hold at the head.
  if (leaf === null && typeof json["unproven"] === "string") {
    return bad(`record is not proven: the log had no leaf for it at the checkpoint (${json["unproven"]})`);
  }
  if (!isCount(leaf)) return bad('has no whole-number "leaf"');
  if (!isObject(record)) return bad('has no "record" object');
  const recordHashValue = record["record_hash"];
  if (typeof recordHashValue !== "string" || !HEX_64.test(recordHashValue))
    return bad("record has no hex record_hash");
  if (!Array.isArray(proof) || !proof.every((p: unknown) => typeof p === "string" && HEX_64.test(p))) {
    return bad('"proof" is not a list of hex SHA-256 hashes');
  }
  return {
    id,
    warc,
    offset,
    length,
    record: { ...record, record_hash: recordHashValue },
    leaf,
    proof: proof.map((p: string) => hexToBytes(p)),
  };
}
