import { utf8ToBytes } from "@noble/hashes/utils.js";
import type { ExchangeRow } from "../record/rows.ts";
import { bareMime, cdxjLine } from "./cdxj-line.ts";
import { archivedHeaders, headerListOf, headerValue, requestHead, responseHead } from "./http-block.ts";
import { postQuery } from "./post-query.ts";
import {
  gzipMember,
  recordId,
  sha256Label,
  warcDate,
  warcRecord,
  type GzipLevel,
  type WarcFields,
} from "./warc-record.ts";

/**
 * Writes one WARC file of an export (docs/evidence.md §2): a warcinfo record, then per exchange a request
 * record and a response record, or a revisit when the same payload was already written in this file. Each
 * record is its own gzip member; offsets are from the start of this file. Pure and deterministic: the same
 * rows and bodies give the same bytes, so a retried Workflow step rewrites its slice identically.
 */
export type WarcExchangeInput = {
  row: ExchangeRow;
  requestBody: Uint8Array | null;
  responseBody: Uint8Array | null;
};

export type WarcExchangeOutput = {
  bytes: Uint8Array;
  responseOffset: number;
  responseLength: number;
  cdxj: string[];
};

/** WARC 1.1 §6.7.2: a revisit whose payload is identical to one archived before, found by its digest. */
const REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest";

type Written = { uri: string; date: string; id: string };

export type WarcFileOptions = {
  /**
   * Deflate level of the records' gzip members. Compression is most of the writer's time: in local workerd
   * (Miniflare, a busy 2-core machine), 1,000 exchanges of 40 KB text took 5.4 s at level 6 (12.5 MB out),
   * 2.9 s at level 1 (14.2 MB, 14% more), 2.6 s at level 0 (stored). Level 1 by default: an export must keep up with
   * reading the day, and the bytes saved at 6 are few.
   * @default 1
   */
  gzipLevel?: GzipLevel;
};

export class WarcFileWriter {
  readonly #filename: string;
  #size = 0;
  #warcinfoId: string | null = null;
  /** Payload digest → the response that carried it, for revisits (one file's worth, a slice). */
  readonly #payloads = new Map<string, Written>();
  readonly #level: GzipLevel;
  /** Offsets and revisits depend on every earlier record: calls must not overlap (await each one). */
  #busy = false;

  constructor(filename: string, options: WarcFileOptions = {}) {
    this.#filename = filename;
    this.#level = options.gzipLevel ?? 1;
  }

  get size(): number {
    return this.#size;
  }

  /**
   * The warcinfo record (WARC 1.1 §6.2), fields as `application/warc-fields`. `date` (epoch ms) should be
   * the export's creation time, so a retried step writes the same record; it defaults to now.
   */
  async warcinfo(fields: Readonly<Record<string, string>>, date: number = Date.now()): Promise<Uint8Array> {
    if (this.#size !== 0 || this.#busy)
      throw new Error(`warc: warcinfo must be the first record of ${this.#filename}`);
    const all = { format: "WARC File Format 1.1", ...fields };
    const block = utf8ToBytes(
      Object.entries(all)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join(""),
    );
    const blockDigest = await sha256Label(block);
    const id = recordId(`warcinfo ${this.#filename} ${blockDigest}`);
    const record = warcRecord(
      [
        ["WARC-Type", "warcinfo"],
        ["WARC-Record-ID", id],
        ["WARC-Date", warcDate(date)],
        ["WARC-Filename", this.#filename],
        ["WARC-Block-Digest", blockDigest],
        ["Content-Type", "application/warc-fields"],
      ],
      block,
    );
    this.#warcinfoId = id;
    return this.#emit(gzipMember(record, this.#level));
  }

  async exchange(input: WarcExchangeInput): Promise<WarcExchangeOutput> {
    if (this.#busy)
      throw new Error(`warc: exchange() called on ${this.#filename} before the previous call finished`);
    this.#busy = true;
    try {
      return await this.#exchange(input);
    } finally {
      this.#busy = false;
    }
  }

  async #exchange(input: WarcExchangeInput): Promise<WarcExchangeOutput> {
    const { row } = input;
    const date = warcDate(row.started_at);
    const requestId = recordId(`request ${row.id}`);
    const responseId = recordId(`response ${row.id}`);
    const common: WarcFields = [
      ["WARC-Date", date],
      ["WARC-Target-URI", row.url],
      ...(this.#warcinfoId ? ([["WARC-Warcinfo-ID", this.#warcinfoId]] as const) : []),
      ["WARC-Verbatim-Exchange", row.id],
    ];

    const requestHeaders = headerListOf(row.request_headers, `exchange ${row.id} request_headers`);
    const requestPayload = input.requestBody ?? new Uint8Array(0);
    const requestBlock = concat(
      requestHead(row.method, row.url, archivedHeaders(requestHeaders, requestPayload.length)),
      requestPayload,
    );
    const requestMember = gzipMember(
      warcRecord(
        [
          ["WARC-Type", "request"],
          ["WARC-Record-ID", requestId],
          ...common,
          ["WARC-Concurrent-To", responseId],
          ...bodyNote(row.request_body_digest, row.request_body_note, input.requestBody),
          ["WARC-Block-Digest", await sha256Label(requestBlock)],
          ["WARC-Payload-Digest", await sha256Label(requestPayload)],
          ["Content-Type", "application/http;msgtype=request"],
        ],
        requestBlock,
      ),
      this.#level,
    );

    const responseHeaders = headerListOf(row.response_headers, `exchange ${row.id} response_headers`);
    const payload = input.responseBody ?? new Uint8Array(0);
    const payloadDigest = await sha256Label(payload);
    const httpHead = responseHead(row.status, archivedHeaders(responseHeaders, payload.length));
    const original = payload.length > 0 ? this.#payloads.get(payloadDigest) : undefined;
    // A revisit's block is the HTTP head alone (WARC 1.1 §6.7.2); its payload digest names the earlier payload.
    const block = original ? httpHead : concat(httpHead, payload);
    const responseFields: WarcFields = [
      ["WARC-Type", original ? "revisit" : "response"],
      ["WARC-Record-ID", responseId],
      ...common,
      ["WARC-Concurrent-To", requestId],
      ...(original
        ? ([
            ["WARC-Profile", REVISIT_PROFILE],
            ["WARC-Refers-To", original.id],
            ["WARC-Refers-To-Target-URI", original.uri],
            ["WARC-Refers-To-Date", original.date],
          ] as const)
        : []),
      ...bodyNote(row.response_body_digest, row.response_body_note, input.responseBody),
      ["WARC-Block-Digest", await sha256Label(block)],
      ["WARC-Payload-Digest", payloadDigest],
      ["Content-Type", "application/http;msgtype=response"],
    ];
    const responseMember = gzipMember(warcRecord(responseFields, block), this.#level);
    if (!original && payload.length > 0)
      this.#payloads.set(payloadDigest, { uri: row.url, date, id: responseId });

    const responseOffset = this.#size + requestMember.length;
    const cdxj = [
      cdxjLine({
        url: row.url,
        epochMs: row.started_at,
        mime: bareMime(headerValue(responseHeaders, "content-type")),
        status: row.status,
        payloadDigest,
        recordDigest: await sha256Label(responseMember),
        offset: responseOffset,
        length: responseMember.length,
        filename: this.#filename,
        revisit: original !== undefined,
        method: row.method,
        post: postQuery(row.method, row.url, requestHeaders, input.requestBody),
      }),
    ];
    const bytes = this.#emit(concat(requestMember, responseMember));
    return { bytes, responseOffset, responseLength: responseMember.length, cdxj };
  }

  #emit(bytes: Uint8Array): Uint8Array {
    this.#size += bytes.length;
    return bytes;
  }
}

/**
 * Why a record's payload is empty although the exchange had a body: the recorder's note (too large, not
 * stored by policy…), or the body missing from storage when the export read it.
 */
function bodyNote(digest: string | null, note: string | null, body: Uint8Array | null): WarcFields {
  if (body !== null) return note ? [["WARC-Verbatim-Body-Note", oneLine(note)]] : [];
  if (digest !== null)
    return [["WARC-Verbatim-Body-Note", `body sha256:${digest} was not in storage at export`]];
  return note ? [["WARC-Verbatim-Body-Note", oneLine(note)]] : [];
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
