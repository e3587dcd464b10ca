import { execFileSync } from "node:child_process";
import { createECDH, createHash, createHmac, createPublicKey, verify } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { har as validateHar } from "har-validator";
import { CDXIndexer, WARCParser } from "warcio";
import { beforeAll, describe, expect, it } from "vitest";
import { datapackageJson } from "../../worker/src/export/datapackage.ts";
import { harOf } from "../../worker/src/export/har.ts";
import { pageLine, pagesHeader } from "../../worker/src/export/pages.ts";
import {
  datapackageDigest,
  devExportSigner,
  exportSignerFromPkcs8,
  generateExportKey,
  verifyDatapackageDigest,
} from "../../worker/src/export/wacz-signing.ts";
import {
  WarcFileWriter,
  type WarcExchangeInput,
  type WarcExchangeOutput,
} from "../../worker/src/export/warc-file.ts";
import { ZipWriter } from "../../worker/src/export/zip-writer.ts";
import { realisticExchanges } from "./export/realistic-exchanges.ts";

/**
 * Issue 9, "An independent reader reads the export": a WARC, an index, a HAR and a zip written by the
 * Worker's export code, from realistic exchanges whose bodies are files no one here wrote, read back by
 * webrecorder's warcio, har-validator, fflate, Info-ZIP's unzip and Node's own crypto.
 */
const FILE = "data-00001.warc.gz";
const CREATED = "2026-03-15T00:05:00Z";
const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

let inputs: WarcExchangeInput[];
let outputs: WarcExchangeOutput[];
let warc: Uint8Array;

beforeAll(async () => {
  inputs = await realisticExchanges();
  const writer = new WarcFileWriter(FILE);
  const parts = [
    await writer.warcinfo(
      { software: "Verbatim 0.1.0", isPartOf: "shop.example 2026-03-14" },
      Date.parse(CREATED),
    ),
  ];
  outputs = [];
  for (const input of inputs) {
    const out = await writer.exchange(input);
    outputs.push(out);
    parts.push(out.bytes);
  }
  warc = Buffer.concat(parts);
});

type Parsed = {
  type: string;
  offset: number;
  length: number;
  fields: Headers;
  status: number | null;
  bytes: Uint8Array;
};

/**
 * Every record of the file as warcio's parser sees it. `bytes` is what warcio reads as the record's
 * content: the whole block when HTTP is left unparsed, the payload after the HTTP head when it is parsed.
 */
async function readWithWarcio(parseHttp: boolean): Promise<Parsed[]> {
  const parser = new WARCParser([warc], { parseHttp });
  const records: Parsed[] = [];
  for await (const record of parser) {
    const bytes = await record.readFully(false);
    records.push({
      type: record.warcType ?? "",
      offset: parser.offset,
      length: parser.recordLength,
      fields: new Headers([...record.warcHeaders.headers]),
      status: record.httpHeaders?.statusCode ? Number(record.httpHeaders.statusCode) : null,
      bytes,
    });
  }
  return records;
}

describe("the WARC, read by warcio", () => {
  it("parses every record, in order: warcinfo, then a request and a response or revisit per exchange", async () => {
    const records = await readWithWarcio(false);
    const expected = [
      "warcinfo",
      ...inputs.flatMap((i) => ["request", i.row.id === "e-11" ? "revisit" : "response"]),
    ];
    expect(records.map((r) => r.type)).toEqual(expected);
    expect(records.slice(1).map((r) => r.fields.get("WARC-Verbatim-Exchange"))).toEqual(
      inputs.flatMap((i) => [i.row.id, i.row.id]),
    );
  });

  it("finds every record's block digest equal to the SHA-256 of the block it read", async () => {
    for (const record of await readWithWarcio(false)) {
      expect(
        record.fields.get("WARC-Block-Digest"),
        `${record.type} ${record.fields.get("WARC-Record-ID")}`,
      ).toBe(`sha256:${sha256(record.bytes)}`);
    }
  });

  it("finds every payload digest equal to the SHA-256 of the payload, which is the stored body", async () => {
    const records = (await readWithWarcio(true)).slice(1);
    for (const [i, input] of inputs.entries()) {
      const [request, response] = [records[2 * i], records[2 * i + 1]];
      if (!request || !response) throw new Error(`missing records for ${input.row.id}`);
      const requestBody = input.requestBody ?? new Uint8Array(0);
      expect(Buffer.compare(request.bytes, requestBody), input.row.id).toBe(0);
      expect(request.fields.get("WARC-Payload-Digest")).toBe(`sha256:${sha256(request.bytes)}`);
      const body = input.responseBody ?? new Uint8Array(0);
      expect(response.fields.get("WARC-Payload-Digest"), input.row.id).toBe(`sha256:${sha256(body)}`);
      if (response.type === "revisit") expect(response.bytes.length).toBe(0);
      else expect(Buffer.compare(response.bytes, body), input.row.id).toBe(0);
      if (input.row.response_body_digest && input.responseBody)
        expect(sha256(body)).toBe(input.row.response_body_digest);
      expect(response.status).toBe(input.row.status);
    }
  });

  it("finds each response at the offset and length the writer reported", async () => {
    const records = (await readWithWarcio(false)).slice(1);
    for (const [i, out] of outputs.entries()) {
      expect([records[2 * i + 1]?.offset, records[2 * i + 1]?.length], inputs[i]?.row.id).toEqual([
        out.responseOffset,
        out.responseLength,
      ]);
    }
  });

  it("indexes the file as warcio's CDXJ indexer does, POST canonicalisation included", async () => {
    const indexer = new CDXIndexer({ format: "cdxj" });
    const theirs: Array<Record<string, unknown>> = [];
    for await (const cdx of indexer.iterIndex([
      {
        filename: FILE,
        reader: (async function* () {
          yield warc;
        })(),
      },
    ]))
      theirs.push(cdx);
    const ours = outputs
      .flatMap((o) => o.cdxj)
      .map((line) => {
        const [urlkey, timestamp] = line.split(" ", 2);
        return {
          urlkey,
          timestamp,
          ...(JSON.parse(line.slice(line.indexOf("{"))) as Record<string, unknown>),
        };
      });
    expect(ours).toHaveLength(theirs.length);
    for (const [i, cdx] of theirs.entries()) {
      const mine = ours[i] ?? {};
      const expected = {
        ...cdx,
        digest: `sha256:${String(cdx["digest"])}`,
        mime: cdx["mime"] ?? "unk",
        status: Number(cdx["status"]),
      };
      expect({ ...mine, recordDigest: undefined }, String(cdx["url"])).toEqual({
        ...expected,
        recordDigest: undefined,
      });
    }
    expect(theirs.filter((c) => c["method"] === "POST").map((c) => c["requestBody"])).toEqual([
      "user=ana&pass=%5BMASKED%5D&remember=on",
      "sku=A+1&qty=2&sku.2_=B%262&qty.2_=1&coupon=null&gift=true",
      "email=ana%40example.com",
      undefined,
      `__wb_post_data=${Buffer.from(inputs[8]?.requestBody ?? []).toString("base64")}`,
    ]);
  });
});

describe("the HAR", () => {
  it("passes har-validator, with one page per page view and every exchange an entry", async () => {
    const har = harOf(inputs, { creator: "Verbatim", version: "0.1.0" }) as {
      log: {
        pages: Array<{ id: string }>;
        entries: Array<{ pageref?: string; response: { content: { encoding?: string; text?: string } } }>;
      };
    };
    await expect(validateHar(har)).resolves.toBe(har);
    expect(har.log.pages.map((p) => p.id)).toEqual(["e-01", "e-13"]);
    expect(har.log.entries.map((e) => e.pageref)).toEqual([...Array(12).fill("e-01"), "e-13"]);
    const png = har.log.entries[3]?.response.content;
    expect(png?.encoding).toBe("base64");
    expect(Buffer.from(png?.text ?? "", "base64").equals(Buffer.from(inputs[3]?.responseBody ?? []))).toBe(
      true,
    );
    expect(har.log.entries[1]?.response.content.text).toBe(
      Buffer.from(inputs[1]?.responseBody ?? []).toString("utf8"),
    );
  });
});

describe("the zip, read by fflate and unzip", () => {
  let wacz: Uint8Array;
  beforeAll(async () => {
    const index =
      outputs
        .flatMap((o) => o.cdxj)
        .sort()
        .join("\n") + "\n";
    const pages =
      [pagesHeader("shop.example"), ...inputs.flatMap((i) => pageLine(i.row) ?? [])].join("\n") + "\n";
    const parts: Uint8Array[] = [];
    const zip = new ZipWriter();
    const add = (name: string, chunks: readonly Uint8Array[]) => {
      parts.push(zip.open(name), ...chunks.map((c) => zip.write(c)), zip.close());
    };
    add(`archive/${FILE}`, [warc.subarray(0, 100_000), warc.subarray(100_000)]);
    add("indexes/index.cdxj", [Buffer.from(index)]);
    add("pages/pages.jsonl", [Buffer.from(pages)]);
    const pkg = datapackageJson(zip.state().entries, {
      title: "shop.example",
      created: CREATED,
      software: "Verbatim 0.1.0",
    });
    add("datapackage.json", [Buffer.from(pkg)]);
    add("datapackage-digest.json", [
      Buffer.from(await datapackageDigest(pkg, await devExportSigner("node suite"), CREATED)),
    ]);
    parts.push(zip.finish());
    wacz = Buffer.concat(parts);
  });

  it("holds entries whose SHA-256 and size match datapackage.json, and a signature Node's crypto verifies", async () => {
    const files = unzipSync(wacz);
    const pkgBytes = files["datapackage.json"] ?? new Uint8Array(0);
    const pkg = JSON.parse(Buffer.from(pkgBytes).toString("utf8")) as {
      resources: Array<{ path: string; hash: string; bytes: number }>;
    };
    expect(pkg.resources.map((r) => r.path)).toEqual([
      "archive/data-00001.warc.gz",
      "indexes/index.cdxj",
      "pages/pages.jsonl",
    ]);
    for (const r of pkg.resources) {
      const bytes = files[r.path] ?? new Uint8Array(0);
      expect([r.hash, r.bytes], r.path).toEqual([`sha256:${sha256(bytes)}`, bytes.length]);
    }
    expect(Buffer.compare(files["archive/data-00001.warc.gz"] ?? new Uint8Array(0), warc)).toBe(0);

    const digestText = Buffer.from(files["datapackage-digest.json"] ?? []).toString("utf8");
    const digest = JSON.parse(digestText) as {
      hash: string;
      signedData: { hash: string; signature: string; publicKey: string };
    };
    expect(digest.hash).toBe(`sha256:${sha256(pkgBytes)}`);
    const key = createPublicKey({
      key: Buffer.from(digest.signedData.publicKey, "base64"),
      format: "der",
      type: "spki",
    });
    expect(key.asymmetricKeyDetails?.namedCurve).toBe("secp384r1");
    const signature = Buffer.from(digest.signedData.signature, "base64");
    expect(
      verify("sha256", Buffer.from(digest.signedData.hash), { key, dsaEncoding: "ieee-p1363" }, signature),
    ).toBe(true);
    expect((await verifyDatapackageDigest(digestText, pkgBytes)).ok).toBe(true);
  });

  it("passes Info-ZIP's `unzip -t`", async (ctx) => {
    try {
      execFileSync("unzip", ["-v"], { stdio: "ignore" });
    } catch {
      ctx.skip("Info-ZIP unzip is not installed (apt-get install unzip)");
    }
    const dir = await mkdtemp(join(tmpdir(), "verbatim-wacz-"));
    try {
      const path = join(dir, "export.wacz");
      await writeFile(path, wacz);
      const report = execFileSync("unzip", ["-t", path], { encoding: "utf8" });
      expect(report).toMatch(/No errors detected in compressed data/);
      expect(report.match(/^\s+testing: /gm)).toHaveLength(5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("export keys under Node (what `npm run keys` runs)", () => {
  it("generates a P-384 key whose PKCS#8 reads back to the same public key, and Node's crypto agrees", async () => {
    const { pkcs8, publicKey } = await generateExportKey();
    expect((await exportSignerFromPkcs8(pkcs8)).publicKey).toBe(publicKey);
    const key = createPublicKey({ key: Buffer.from(publicKey, "base64"), format: "der", type: "spki" });
    expect(key.asymmetricKeyDetails?.namedCurve).toBe("secp384r1");
  });

  it("derives the dev key as documented: the point of scalar HMAC-SHA-384(secret, label), by Node's own ECDH", async () => {
    const secret = "test-secret-0123456789abcdef";
    const scalar = createHmac("sha384", secret).update("verbatim dev export signing key 0").digest();
    const ecdh = createECDH("secp384r1");
    ecdh.setPrivateKey(scalar);
    const spki = Buffer.from((await devExportSigner(secret)).publicKey, "base64");
    // The SPKI ends with the uncompressed point 0x04 || x || y (RFC 5480 §2.2).
    expect(spki.subarray(spki.length - 97).equals(ecdh.getPublicKey())).toBe(true);
  });
});
