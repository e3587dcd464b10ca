import { getSurt } from "warcio/utils";
import { entryLines } from "./entry-lines.ts";
import { VerifyFailure } from "./failure.ts";
import { isObject, parseJson } from "./json-shape.ts";
import { ENTRY } from "./layout.ts";
import type { WarcRecordInfo } from "./warc-check.ts";
import type { ZipFile } from "./zip-file.ts";

/**
 * Step 6 of docs/evidence.md §3: `indexes/index.cdxj` (the CDXJ of WACZ 1.2: `<SURT key> <14-digit
 * timestamp> <JSON>`) is how a replay tool finds a record, so every line must point (filename, offset,
 * length) at a record of the URL, status and payload digest it names, a GET line's key must be warcio's
 * SURT of its URL (the key replay tools look up), the lines must be sorted, and every response and revisit
 * record must be indexed exactly once (request records may be). Only what the index needs is kept.
 */
type Indexed = {
  url: string;
  length: number;
  type: string;
  number: number;
  status: number | undefined;
  digest: string | undefined;
  indexed: boolean;
};

const MUST_BE_INDEXED = new Set(["response", "revisit"]);

export class RecordIndex {
  /** WARC file name (as in CDXJ, without `archive/`) → record offset → what the index must say of it. */
  readonly #files = new Map<string, Map<number, Indexed>>();

  add(file: string, records: readonly WarcRecordInfo[]): void {
    const byOffset = new Map<number, Indexed>();
    for (const r of records) {
      if (r.targetUri === undefined || r.type === "warcinfo") continue;
      byOffset.set(r.offset, {
        url: r.targetUri,
        length: r.length,
        type: r.type,
        number: r.number,
        status: r.head?.status,
        digest: r.payloadDigest,
        indexed: false,
      });
    }
    this.#files.set(file.replace(/^archive\//, ""), byOffset);
  }

  get(filename: string, offset: number): Indexed | undefined {
    return this.#files.get(filename.replace(/^archive\//, ""))?.get(offset);
  }

  *unindexed(): Generator<{ file: string; record: Indexed }> {
    for (const [file, records] of this.#files) {
      for (const record of records.values()) {
        if (!record.indexed && MUST_BE_INDEXED.has(record.type)) yield { file: `archive/${file}`, record };
      }
    }
  }
}

const CDXJ_LINE = /^(\S+) (\d{14}) (\{.*\})$/;

export async function checkCdxj(zip: ZipFile, index: RecordIndex): Promise<number> {
  const file = ENTRY.cdxj;
  const entry = zip.entry(file);
  if (!entry) throw new VerifyFailure("zip", { file }, "is missing from the export");
  let previous = "";
  let count = 0;
  for await (const { number, text } of entryLines(zip, entry)) {
    const fail = (message: string) => new VerifyFailure("cdxj", { file, line: number }, message);
    if (text === "") continue;
    const match = CDXJ_LINE.exec(text);
    const json = match?.[3] === undefined ? undefined : parseJson(match[3]);
    if (!match || !isObject(json)) throw fail("is not `<SURT key> <timestamp> <JSON>`");
    const sortKey = `${match[1]} ${match[2]}`;
    if (sortKey < previous)
      throw fail(`is out of order: ${sortKey} sorts before the line above (${previous})`);
    previous = sortKey;
    const { url, filename } = json;
    const offset = Number(json["offset"]);
    const length = Number(json["length"]);
    if (
      typeof url !== "string" ||
      typeof filename !== "string" ||
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(length)
    ) {
      throw fail("JSON lacks url, filename, offset or length");
    }
    const record = index.get(filename, offset);
    if (!record)
      throw fail(
        `points at ${filename} offset ${offset}, where no request, response or revisit record starts`,
      );
    if (record.url !== url)
      throw fail(`names ${url}, but ${filename} record ${record.number} is of ${record.url}`);
    if (record.length !== length) {
      throw fail(
        `gives length ${length} for ${filename} record ${record.number}, which is ${record.length} bytes`,
      );
    }
    if (json["digest"] !== undefined && json["digest"] !== `sha256:${record.digest ?? ""}`) {
      throw fail(
        `gives digest ${String(json["digest"])}, ${filename} record ${record.number} has payload sha256:${record.digest ?? "(none)"}`,
      );
    }
    if (
      json["status"] !== undefined &&
      record.status !== undefined &&
      Number(json["status"]) !== record.status
    ) {
      throw fail(
        `gives status ${String(json["status"])}, ${filename} record ${record.number} has ${record.status}`,
      );
    }
    if (json["method"] === undefined && match[1] !== getSurt(url)) {
      throw fail(`key ${match[1]} is not the SURT of ${url} (${getSurt(url)})`);
    }
    if (record.indexed) throw fail(`indexes ${filename} record ${record.number} a second time`);
    record.indexed = true;
    count++;
  }
  for (const { file: warc, record } of index.unindexed()) {
    throw new VerifyFailure(
      "cdxj",
      { file: warc, record: record.number },
      `${record.type} record of ${record.url} is not in ${file}`,
    );
  }
  return count;
}
