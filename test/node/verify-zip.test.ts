import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZipWriter } from "../../worker/src/export/zip-writer.ts";
import { VerifyFailure } from "../../scripts/lib/verify/failure.ts";
import { parseCentralEntries } from "../../scripts/lib/verify/zip-format.ts";
import { ZipFile } from "../../scripts/lib/verify/zip-file.ts";
import { concat } from "./lib/build-export.ts";
import { replaceBytes } from "./lib/tamper.ts";

/**
 * The verifier's zip reader (scripts/lib/verify/zip-file.ts, zip-format.ts): it reads exports by offset
 * from the central directory, so it must follow ZIP64 where the export writer uses it and refuse a zip
 * whose structure an export never has.
 */
let dir: string;
let count = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "verbatim-zip-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function opened(bytes: Uint8Array): Promise<ZipFile> {
  const path = join(dir, `${++count}.zip`);
  await writeFile(path, bytes);
  return ZipFile.open(path);
}

function written(files: Array<[string, string]>): Uint8Array {
  const zip = new ZipWriter();
  const parts: Uint8Array[] = [];
  for (const [name, text] of files)
    parts.push(zip.open(name), zip.write(new TextEncoder().encode(text)), zip.close());
  parts.push(zip.finish());
  return concat(parts);
}

/**
 * The zip with its end record moved behind a ZIP64 end record and locator (APPNOTE 4.3.14-15), its own
 * fields saturated, as a writer does past 65,534 entries or 4 GiB (which would take minutes to write here).
 */
function withZip64End(zip: Uint8Array): Uint8Array {
  const endAt = zip.length - 22;
  const end = new DataView(zip.buffer, zip.byteOffset + endAt, 22);
  const entries = end.getUint16(10, true);
  const size = end.getUint32(12, true);
  const offset = end.getUint32(16, true);
  const tail = new DataView(new ArrayBuffer(56 + 20 + 22));
  tail.setUint32(0, 0x06064b50, true);
  tail.setBigUint64(4, 44n, true);
  tail.setUint16(12, 45, true);
  tail.setUint16(14, 45, true);
  tail.setBigUint64(24, BigInt(entries), true);
  tail.setBigUint64(32, BigInt(entries), true);
  tail.setBigUint64(40, BigInt(size), true);
  tail.setBigUint64(48, BigInt(offset), true);
  tail.setUint32(56, 0x07064b50, true);
  tail.setBigUint64(64, BigInt(endAt), true);
  tail.setUint32(72, 1, true);
  tail.setUint32(76, 0x06054b50, true);
  tail.setUint16(84, 0xffff, true);
  tail.setUint16(86, 0xffff, true);
  tail.setUint32(88, 0xffffffff, true);
  tail.setUint32(92, 0xffffffff, true);
  return concat([zip.subarray(0, endAt), new Uint8Array(tail.buffer)]);
}

describe("ZipFile", () => {
  it("reads what ZipWriter wrote: names, sizes, bytes", async () => {
    const zip = await opened(
      written([
        ["a.txt", "alpha"],
        ["dir/b.txt", "bravo!"],
      ]),
    );
    expect(zip.entries.map((e) => [e.name, e.size])).toEqual([
      ["a.txt", 5],
      ["dir/b.txt", 6],
    ]);
    const b = zip.entry("dir/b.txt");
    if (!b) throw new Error("no dir/b.txt");
    expect(new TextDecoder().decode(await zip.read(b))).toBe("bravo!");
    await zip.close();
  });

  it("follows a ZIP64 end record and locator when the end record is saturated", async () => {
    const zip = await opened(
      withZip64End(
        written([
          ["a.txt", "alpha"],
          ["dir/b.txt", "bravo!"],
        ]),
      ),
    );
    expect(zip.entries.map((e) => [e.name, e.size])).toEqual([
      ["a.txt", 5],
      ["dir/b.txt", 6],
    ]);
    await zip.close();
  });

  it.each([
    [
      "a truncated file",
      (z: Uint8Array) => z.subarray(0, z.length - 10),
      /no end of central directory record/,
    ],
    [
      "a compressed entry",
      () => zipSync({ "a.txt": new TextEncoder().encode("alpha ".repeat(100)) }, { level: 6 }),
      /is compressed \(method 8\)/,
    ],
    [
      "two entries of the same name",
      (z: Uint8Array) => replaceBytes(replaceBytes(z, "b.txt", "a.txt"), "b.txt", "a.txt"),
      /appears twice/,
    ],
    [
      "a local header naming another file",
      (z: Uint8Array) => replaceBytes(z, "b.txt", "c.txt"),
      /local header names "c.txt", the central directory "b.txt"/,
    ],
  ])("refuses %s", async (_, make, says) => {
    const bytes = make(
      written([
        ["a.txt", "alpha"],
        ["b.txt", "bravo"],
      ]),
    );
    await expect(opened(bytes)).rejects.toThrow(VerifyFailure);
    await expect(opened(bytes)).rejects.toThrow(says);
  });
});

describe("parseCentralEntries", () => {
  it("takes sizes and offset from the ZIP64 extra field when the header's are saturated", () => {
    const name = new TextEncoder().encode("archive/data-00001.warc.gz");
    const header = new DataView(new ArrayBuffer(46 + name.length + 4 + 24));
    header.setUint32(0, 0x02014b50, true);
    header.setUint16(8, 0x0808, true);
    header.setUint32(16, 0x12345678, true);
    header.setUint32(20, 0xffffffff, true);
    header.setUint32(24, 0xffffffff, true);
    header.setUint16(28, name.length, true);
    header.setUint16(30, 28, true);
    header.setUint32(42, 0xffffffff, true);
    const bytes = new Uint8Array(header.buffer);
    bytes.set(name, 46);
    const extra = 46 + name.length;
    header.setUint16(extra, 0x0001, true);
    header.setUint16(extra + 2, 24, true);
    header.setBigUint64(extra + 4, 5_000_000_000n, true);
    header.setBigUint64(extra + 12, 5_000_000_000n, true);
    header.setBigUint64(extra + 20, 4_300_000_000n, true);
    expect(parseCentralEntries(bytes, 1)).toEqual([
      {
        name: "archive/data-00001.warc.gz",
        flags: 0x0808,
        method: 0,
        crc32: 0x12345678,
        compressedSize: 5_000_000_000,
        size: 5_000_000_000,
        localHeaderOffset: 4_300_000_000,
      },
    ]);
  });
});
