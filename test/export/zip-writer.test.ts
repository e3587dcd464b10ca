import { gzipSync, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { crc32 } from "../../worker/src/export/crc32.ts";
import { ZipWriter, type ZipState } from "../../worker/src/export/zip-writer.ts";
import { hexSha256, utf8 } from "./exchange-fixtures.ts";

/** fflate's gzip trailer holds its own CRC-32 of the data (RFC 1952 §2.3.1): an independent check of ours. */
function fflateCrc(data: Uint8Array): number {
  const gz = gzipSync(data);
  return new DataView(gz.buffer, gz.byteOffset + gz.length - 8, 4).getUint32(0, true);
}

const ENTRIES: ReadonlyArray<readonly [string, Uint8Array[]]> = [
  ["archive/data-00001.warc.gz", [gzipSync(utf8("WARC/1.1\r\n".repeat(500))), gzipSync(utf8("more"))]],
  ["indexes/index.cdxj", [utf8('example,shop)/ 20260314092653 {"url":"https://shop.example/"}\n')]],
  ["pages/pages.jsonl", [utf8('{"format":"json-pages-1.0","id":"pages","title":"Día 14 — export"}\n')]],
  ["evidence/empty.txt", []],
  ["datapackage.json", [utf8("{}")]],
];

/** Writes each entry in its own "step": only JSON of the state crosses from one to the next. */
function writeInSteps(entries: typeof ENTRIES): { bytes: Uint8Array; state: ZipState } {
  const chunks: Uint8Array[] = [];
  let saved = JSON.stringify(new ZipWriter().state());
  for (const [name, parts] of entries) {
    const zip = new ZipWriter(JSON.parse(saved) as ZipState);
    chunks.push(zip.open(name));
    for (const part of parts) chunks.push(zip.write(part));
    chunks.push(zip.close());
    saved = JSON.stringify(zip.state());
  }
  const last = new ZipWriter(JSON.parse(saved) as ZipState);
  chunks.push(last.finish());
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return { bytes, state: last.state() };
}

function joined(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe("crc32", () => {
  it.each([
    ["empty", new Uint8Array(0)],
    ["one byte", utf8("a")],
    ["the check string", utf8("123456789")],
    ["not a multiple of eight", utf8("The quick brown fox jumps over the lazy dog.")],
    ["binary", gzipSync(utf8("x".repeat(10_000)))],
  ])("%s: matches fflate's gzip CRC, in one piece or two", (_name, data) => {
    expect(crc32(data)).toBe(fflateCrc(data));
    const cut = Math.floor(data.length / 3);
    expect(crc32(data.subarray(cut), crc32(data.subarray(0, cut)))).toBe(crc32(data));
  });
});

describe("ZipWriter", () => {
  it("writes entries over several steps that fflate reads back, byte for byte", () => {
    const { bytes, state } = writeInSteps(ENTRIES);
    const files = unzipSync(bytes);
    expect(Object.keys(files)).toEqual(ENTRIES.map(([name]) => name));
    for (const [name, parts] of ENTRIES) expect(files[name]).toEqual(joined(parts));
    expect(state.offset).toBe(bytes.length);
  });

  it("records each entry's offset, size, CRC-32 and SHA-256", async () => {
    const { bytes, state } = writeInSteps(ENTRIES);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    for (const [i, [name, parts]] of ENTRIES.entries()) {
      const entry = state.entries[i];
      const data = joined(parts);
      expect(entry).toEqual({
        name,
        offset: entry?.offset,
        size: data.length,
        crc: fflateCrc(data),
        sha256: await hexSha256(data),
      });
      // A local file header starts there: STORED, data descriptor flag, UTF-8 name.
      const at = entry?.offset ?? -1;
      expect(view.getUint32(at, true)).toBe(0x04034b50);
      expect(view.getUint16(at + 6, true)).toBe(0x0808);
      expect(view.getUint16(at + 8, true)).toBe(0);
      expect(new TextDecoder().decode(bytes.subarray(at + 30, at + 30 + view.getUint16(at + 26, true)))).toBe(
        name,
      );
    }
  });

  it("writes the same bytes when the steps are run again", () => {
    expect(writeInSteps(ENTRIES).bytes).toEqual(writeInSteps(ENTRIES).bytes);
  });

  it.each([
    ["write with nothing open", (z: ZipWriter) => z.write(utf8("x")), /no open entry/],
    ["close with nothing open", (z: ZipWriter) => z.close(), /no open entry/],
    ["open twice", (z: ZipWriter) => (z.open("a"), z.open("b")), /still open/],
    ["save state mid-entry", (z: ZipWriter) => (z.open("a"), z.state()), /cannot be saved/],
    ["finish mid-entry", (z: ZipWriter) => (z.open("a"), z.finish()), /still open/],
    ["open a duplicate name", (z: ZipWriter) => (z.open("a"), z.close(), z.open("a")), /duplicate/],
  ] as const)("refuses to %s", (_name, misuse, message) => {
    expect(() => misuse(new ZipWriter())).toThrow(message);
  });
});

/** The end of central directory record, the last 22 bytes (APPNOTE 4.3.16). */
function eocdOf(tail: Uint8Array) {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.length);
  const at = tail.length - 22;
  return {
    signature: view.getUint32(at, true),
    entries: view.getUint16(at + 10, true),
    cdSize: view.getUint32(at + 12, true),
    cdOffset: view.getUint32(at + 16, true),
  };
}

/** The ZIP64 end record and its locator, just before the end record (APPNOTE 4.3.14, 4.3.15). */
function zip64Of(tail: Uint8Array) {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.length);
  const u64 = (at: number) => view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
  const locator = tail.length - 22 - 20;
  const end64 = locator - 56;
  return {
    locator: {
      signature: view.getUint32(locator, true),
      end64Offset: u64(locator + 8),
      disks: view.getUint32(locator + 16, true),
    },
    end64: {
      signature: view.getUint32(end64, true),
      size: u64(end64 + 4),
      entries: u64(end64 + 32),
      cdSize: u64(end64 + 40),
      cdOffset: u64(end64 + 48),
    },
  };
}

describe("ZipWriter past 4 GiB", () => {
  const GiB = 2 ** 30;
  it("writes ZIP64 end records and extra fields for an offset and a size past 4 GiB", () => {
    // A saved state from a long export: one 5 GiB WARC, then an index entry that starts past 5 GiB.
    const state: ZipState = {
      offset: 5 * GiB + 200,
      entries: [
        {
          name: "archive/data-00001.warc.gz",
          offset: 0,
          size: 5 * GiB,
          crc: 0x1234abcd,
          sha256: "aa".repeat(32),
        },
        { name: "indexes/index.cdxj", offset: 5 * GiB + 100, size: 50, crc: 7, sha256: "bb".repeat(32) },
      ],
    };
    const tail = new ZipWriter(state).finish();
    const { locator, end64 } = zip64Of(tail);
    const cdSize = tail.length - 22 - 20 - 56;
    expect(eocdOf(tail)).toEqual({ signature: 0x06054b50, entries: 2, cdSize, cdOffset: 0xffffffff });
    expect(locator).toEqual({ signature: 0x07064b50, end64Offset: state.offset + cdSize, disks: 1 });
    expect(end64).toEqual({ signature: 0x06064b50, size: 44, entries: 2, cdSize, cdOffset: state.offset });

    // First central header: sizes in the ZIP64 extra (uncompressed, then compressed), offset in place.
    const v = new DataView(tail.buffer, tail.byteOffset, tail.length);
    expect(v.getUint32(0, true)).toBe(0x02014b50);
    expect(v.getUint16(6, true)).toBe(45);
    expect([v.getUint32(20, true), v.getUint32(24, true), v.getUint32(42, true)]).toEqual([
      0xffffffff, 0xffffffff, 0,
    ]);
    const name1 = v.getUint16(28, true);
    const extra1 = 46 + name1;
    expect([v.getUint16(extra1, true), v.getUint16(extra1 + 2, true)]).toEqual([1, 16]);
    expect(v.getUint32(extra1 + 4, true) + v.getUint32(extra1 + 8, true) * 2 ** 32).toBe(5 * GiB);
    expect(v.getUint32(extra1 + 12, true) + v.getUint32(extra1 + 16, true) * 2 ** 32).toBe(5 * GiB);

    // Second: small sizes in place, the offset in the extra.
    const second = extra1 + 20;
    expect(v.getUint32(second, true)).toBe(0x02014b50);
    expect([v.getUint32(second + 20, true), v.getUint32(second + 42, true)]).toEqual([50, 0xffffffff]);
    const extra2 = second + 46 + v.getUint16(second + 28, true);
    expect([v.getUint16(extra2, true), v.getUint16(extra2 + 2, true)]).toEqual([1, 8]);
    expect(v.getUint32(extra2 + 4, true) + v.getUint32(extra2 + 8, true) * 2 ** 32).toBe(5 * GiB + 100);
  });

  it("writes no ZIP64 record while everything fits in 32 bits", () => {
    const tail = new ZipWriter({
      offset: 1000,
      entries: [{ name: "a", offset: 0, size: 900, crc: 1, sha256: "cc".repeat(32) }],
    }).finish();
    expect(tail.length).toBe(46 + 1 + 22);
    expect(eocdOf(tail)).toEqual({ signature: 0x06054b50, entries: 1, cdSize: 47, cdOffset: 1000 });
  });
});
