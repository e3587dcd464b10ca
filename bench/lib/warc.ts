import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createHash } from "node:crypto";
import { WARCParser, WARCRecord, WARCSerializer } from "warcio";
import type { Exchange } from "./visitor.ts";

const WARC_VERSION = "WARC/1.1";
/** The payload is stored decoded (as the recorder stores it), so these no longer describe it. */
const DROPPED = new Set(["content-encoding", "content-length", "transfer-encoding"]);

export type WarcStats = { bytes: number; records: number; revisits: number; readBack: number };

/**
 * Writes the traffic as a WARC 1.1 `.warc.gz` with warcio: a request and a response record per exchange,
 * each gzip-compressed as its own member (WARC 1.1 annex D). A response whose payload was already written
 * becomes a `revisit` record (profile identical-payload-digest, WARC 1.1 §6.7.2) without the payload.
 */
export async function writeWarc(exchanges: readonly Exchange[], path: string): Promise<WarcStats> {
  const file = await open(path, "w");
  const seen = new Map<string, { url: string; date: string; id: string }>();
  const stats: WarcStats = { bytes: 0, records: 0, revisits: 0, readBack: 0 };
  const write = async (record: WARCRecord) => {
    const bytes = await WARCSerializer.serialize(record, { gzip: true });
    await file.write(bytes);
    stats.bytes += bytes.byteLength;
    stats.records++;
  };
  try {
    await write(
      WARCRecord.createWARCInfo(
        { filename: "bench.warc.gz", warcVersion: WARC_VERSION },
        { software: "warcio.js 2.4 (verbatim bench)", format: "WARC File Format 1.1" },
      ),
    );
    for (const exchange of exchanges) {
      const target = new URL(exchange.url);
      const date = exchange.at.toISOString();
      await write(
        WARCRecord.create(
          {
            url: exchange.url,
            date,
            type: "request",
            warcVersion: WARC_VERSION,
            statusline: `${exchange.method} ${target.pathname}${target.search} HTTP/1.1`,
            httpHeaders: exchange.requestHeaders,
          },
          exchange.requestBody ? [exchange.requestBody] : [],
        ),
      );
      const body = exchange.responseBody;
      const digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
      const httpHeaders: [string, string][] = exchange.responseHeaders.filter(([name]) => !DROPPED.has(name));
      httpHeaders.push(["content-length", String(body.byteLength)]);
      const statusline = `HTTP/1.1 ${exchange.status} ${exchange.statusText}`;
      const original = body.byteLength > 0 ? seen.get(digest) : undefined;
      if (original) {
        stats.revisits++;
        await write(
          WARCRecord.create({
            url: exchange.url,
            date,
            type: "revisit",
            warcVersion: WARC_VERSION,
            statusline,
            httpHeaders,
            refersToUrl: original.url,
            refersToDate: original.date,
            warcHeaders: { "WARC-Payload-Digest": digest, "WARC-Refers-To": original.id },
          }),
        );
        continue;
      }
      const id = `<urn:uuid:${crypto.randomUUID()}>`;
      seen.set(digest, { url: exchange.url, date, id });
      await write(
        WARCRecord.create(
          {
            url: exchange.url,
            date,
            type: "response",
            warcVersion: WARC_VERSION,
            statusline,
            httpHeaders,
            warcHeaders: { "WARC-Record-ID": id, "WARC-Payload-Digest": digest },
          },
          [body],
        ),
      );
    }
  } finally {
    await file.close();
  }
  // Read it back with warcio's parser: a file it cannot parse would make the size meaningless.
  for await (const record of WARCParser.iterRecords(createReadStream(path))) {
    await record.readFully();
    stats.readBack++;
  }
  return stats;
}
