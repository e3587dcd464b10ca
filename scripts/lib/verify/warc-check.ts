import { WARCParser, type WARCRecord } from "warcio";
import { BlockDigester } from "./block-digest.ts";
import { VerifyFailure } from "./failure.ts";
import { type HttpHead, parseHttpHead } from "./http-head.ts";
import type { ZipFile } from "./zip-file.ts";

/**
 * Step 4 of docs/evidence.md §3: every record of one WARC slice, read with warcio (webrecorder's reader,
 * an independent implementation of WARC 1.1), its block and payload digests recomputed. What the later
 * steps compare against (exchange id, URL, status, digests, offsets) is kept per record; bodies are not.
 */
export type WarcRecordInfo = {
  /** 1-based position in the file; the warcinfo record is 1. */
  number: number;
  /** The record's gzip member: where it starts in the WARC and how long it is. */
  offset: number;
  length: number;
  type: string;
  id: string;
  date: string | undefined;
  targetUri: string | undefined;
  exchange: string | undefined;
  concurrentTo: readonly string[];
  /** WARC-Verbatim-Body-Note: why the payload is empty or partial (not stored, or missing at export). */
  bodyNote: string | undefined;
  /** Hex SHA-256 of the payload: recomputed for request/response, the stated (checked) one for a revisit. */
  payloadDigest: string | undefined;
  payloadLength: number;
  head: HttpHead | undefined;
};

const HTTP_TYPES = new Set(["request", "response", "revisit"]);
/** WARC 1.1 §6.7.2: a revisit whose payload is identical to an earlier record's, by payload digest. */
export const IDENTICAL_PAYLOAD_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest";
const DIGEST = /^sha256:([0-9a-f]{64})$/;

export async function checkWarc(zip: ZipFile, file: string): Promise<WarcRecordInfo[]> {
  const entry = zip.entry(file);
  if (!entry) throw new VerifyFailure("zip", { file }, "is missing from the export");
  const parser = new WARCParser(zip.stream(entry), { parseHttp: false });
  const records: WarcRecordInfo[] = [];
  const ids = new Set<string>();
  /** Payload digests of the responses so far: what a revisit may refer to. */
  const responsePayloads = new Set<string>();
  let expectedOffset = 0;
  for (;;) {
    const number = records.length + 1;
    let record: WARCRecord | null;
    try {
      record = await parser.parse();
    } catch (error) {
      throw new VerifyFailure("warc", { file, record: number }, `warcio cannot read it: ${errorText(error)}`);
    }
    if (!record) break;
    const exchange = record.warcHeader("WARC-Verbatim-Exchange") ?? undefined;
    const fail = (message: string) =>
      new VerifyFailure("warc", { file, record: number, ...(exchange ? { exchange } : {}) }, message);
    if (parser._reader.compressed !== "gzip")
      throw fail("is not gzip-compressed (the export writes one gzip member per record)");
    if (record.warcHeaders.statusline !== "WARC/1.1")
      throw fail(`is ${record.warcHeaders.statusline}, not WARC/1.1`);

    const type = record.warcType;
    const http = HTTP_TYPES.has(type) && record.warcContentLength > 0;
    const digester = new BlockDigester(http);
    let blockLength = 0;
    try {
      for await (const chunk of record.reader) {
        digester.update(chunk);
        blockLength += chunk.length;
      }
    } catch (error) {
      throw fail(`block cannot be read: ${errorText(error)}`);
    }
    const digests = digester.digest();
    const info: WarcRecordInfo = {
      number,
      offset: parser.offset,
      length: parser.recordLength,
      type,
      id: record.warcHeader("WARC-Record-ID") ?? "",
      date: record.warcDate ?? undefined,
      targetUri: record.warcTargetURI ?? undefined,
      exchange,
      concurrentTo: record.warcConcurrentTo ?? [],
      bodyNote: record.warcHeader("WARC-Verbatim-Body-Note") ?? undefined,
      payloadDigest: digests.payload,
      payloadLength: digests.payloadLength,
      head: undefined,
    };

    if (number === 1 && type !== "warcinfo")
      throw fail(`is a ${type} record; a WARC slice starts with warcinfo`);
    if (info.offset !== expectedOffset) {
      throw fail(`starts at offset ${info.offset}, but the record before it ended at ${expectedOffset}`);
    }
    expectedOffset = info.offset + info.length;
    if (info.id === "") throw fail("has no WARC-Record-ID");
    if (ids.has(info.id)) throw fail(`repeats WARC-Record-ID ${info.id}`);
    ids.add(info.id);
    if (blockLength !== record.warcContentLength) {
      throw fail(`block is ${blockLength} bytes, Content-Length says ${record.warcContentLength}`);
    }
    if (HTTP_TYPES.has(type)) {
      if (!exchange) throw fail(`${type} record has no WARC-Verbatim-Exchange`);
      if (!info.targetUri) throw fail(`${type} record has no WARC-Target-URI`);
      if (http) {
        const head = digests.head === undefined ? null : parseHttpHead(digests.head);
        if (!head) throw fail("block does not start with an HTTP message head");
        info.head = head;
      }
      const statedPayload = DIGEST.exec(record.warcPayloadDigest ?? "")?.[1];
      if (!statedPayload) {
        throw fail(
          `WARC-Payload-Digest is ${JSON.stringify(record.warcPayloadDigest ?? null)}, not sha256:<hex>`,
        );
      }
      if (type === "revisit") {
        const profile = record.warcHeader("WARC-Profile");
        if (profile !== IDENTICAL_PAYLOAD_PROFILE)
          throw fail(`revisit profile is ${JSON.stringify(profile ?? null)}`);
        if (digests.payloadLength !== 0)
          throw fail(`revisit carries a ${digests.payloadLength}-byte payload`);
        if (!responsePayloads.has(statedPayload)) {
          throw fail(
            `revisit refers to payload ${statedPayload}, which no earlier response in this WARC has`,
          );
        }
        info.payloadDigest = statedPayload;
      } else {
        const computed = digests.payload ?? EMPTY_SHA256;
        if (computed !== statedPayload) {
          throw fail(
            `payload digest: WARC-Payload-Digest says ${statedPayload}, the payload hashes to ${computed}`,
          );
        }
        info.payloadDigest = computed;
        if (type === "response") responsePayloads.add(computed);
      }
    }
    // The block digest after the payload's: a changed body fails both, and "payload digest" says which part
    // changed; a block that fails alone had its HTTP head changed.
    const statedBlock = record.warcBlockDigest;
    if (statedBlock || HTTP_TYPES.has(type)) {
      const stated = DIGEST.exec(statedBlock ?? "")?.[1];
      if (!stated)
        throw fail(`WARC-Block-Digest is ${JSON.stringify(statedBlock ?? null)}, not sha256:<hex>`);
      if (stated !== digests.block) {
        const part =
          type === "request" || type === "response" ? " (the payload matches: the HTTP head changed)" : "";
        throw fail(
          `block digest: WARC-Block-Digest says ${stated}, the block hashes to ${digests.block}${part}`,
        );
      }
    }
    records.push(info);
  }
  if (records.length === 0) throw new VerifyFailure("warc", { file }, "has no WARC records");
  if (expectedOffset !== entry.size) {
    throw new VerifyFailure(
      "warc",
      { file },
      `records end at offset ${expectedOffset}, the file has ${entry.size} bytes`,
    );
  }
  return records;
}

/** SHA-256 of no bytes: the payload of an HTTP record whose block is empty. */
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
