import { VerifyFailure } from "./failure.ts";

/**
 * The zip structures the verifier reads (PKWARE APPNOTE.TXT 6.3.10), as pure parsers over byte slices: the
 * end of central directory record (§4.3.16), its ZIP64 locator and record (§4.3.14-15), central directory
 * headers (§4.3.12) with their ZIP64 extra field (§4.5.3), and local file headers (§4.3.7). The file I/O
 * that feeds them is zip-file.ts. Offsets above 2^53 cannot occur in a file on disk, so numbers suffice.
 */

export const SIGNATURES = {
  localHeader: 0x04034b50,
  centralHeader: 0x02014b50,
  endOfCentralDirectory: 0x06054b50,
  zip64End: 0x06064b50,
  zip64Locator: 0x07064b50,
  dataDescriptor: 0x08074b50,
} as const;

export const FIXED_SIZES = {
  endOfCentralDirectory: 22,
  zip64Locator: 20,
  zip64End: 56,
  centralHeader: 46,
  localHeader: 30,
} as const;

/** The largest end record: fixed part plus a comment of up to 65,535 bytes. */
export const MAX_END_RECORD = FIXED_SIZES.endOfCentralDirectory + 0xffff;

/** §4.4.5: 0 is STORED. The export stores every entry (the WARCs are gzip already), docs/evidence.md §2. */
export const STORED = 0;
const ZIP64_EXTRA = 0x0001;
const MAX_16 = 0xffff;
const MAX_32 = 0xffffffff;

export type CentralDirectory = { offset: number; size: number; entries: number };

export type CentralEntry = {
  name: string;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
};

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function u64(v: DataView, at: number): number {
  const value = v.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new VerifyFailure("zip", {}, `a ZIP64 field holds ${value}, beyond any file on disk`);
  }
  return Number(value);
}

/**
 * Finds the end record in the file's tail (the last 22..65,557 bytes) and, when any of its fields is
 * saturated, follows the ZIP64 locator. `tailStart` is the tail's offset in the file; `readAt` reads the
 * ZIP64 end record, which may lie before the tail.
 */
export async function readCentralDirectory(
  tail: Uint8Array,
  tailStart: number,
  readAt: (offset: number, length: number) => Promise<Uint8Array>,
): Promise<CentralDirectory & { endOffset: number }> {
  const v = view(tail);
  let at = -1;
  // The comment may itself contain the signature's bytes, so the last candidate whose comment length
  // reaches exactly to the end of the file wins.
  for (let i = tail.length - FIXED_SIZES.endOfCentralDirectory; i >= 0; i--) {
    if (v.getUint32(i, true) !== SIGNATURES.endOfCentralDirectory) continue;
    if (i + FIXED_SIZES.endOfCentralDirectory + v.getUint16(i + 20, true) === tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0)
    throw new VerifyFailure("zip", {}, "no end of central directory record: not a zip, or truncated");
  const disk = v.getUint16(at + 4, true);
  const cdDisk = v.getUint16(at + 6, true);
  const entries = v.getUint16(at + 10, true);
  const size = v.getUint32(at + 12, true);
  const offset = v.getUint32(at + 16, true);
  const endOffset = tailStart + at;
  const saturated = entries === MAX_16 || size === MAX_32 || offset === MAX_32;
  const locatorAt = at - FIXED_SIZES.zip64Locator;
  const hasLocator = locatorAt >= 0 && v.getUint32(locatorAt, true) === SIGNATURES.zip64Locator;
  if (!hasLocator) {
    if (saturated) throw new VerifyFailure("zip", {}, "end record is saturated but has no ZIP64 locator");
    if (disk !== 0 || cdDisk !== 0)
      throw new VerifyFailure("zip", {}, "multi-disk zip files are not exports");
    return { offset, size, entries, endOffset };
  }
  const zip64At = u64(v, locatorAt + 8);
  const end = view(await readAt(zip64At, FIXED_SIZES.zip64End));
  if (end.byteLength < FIXED_SIZES.zip64End || end.getUint32(0, true) !== SIGNATURES.zip64End) {
    throw new VerifyFailure("zip", {}, `no ZIP64 end of central directory record at offset ${zip64At}`);
  }
  return {
    entries: u64(end, 32),
    size: u64(end, 40),
    offset: u64(end, 48),
    endOffset: zip64At,
  };
}

/** Every central directory header in `bytes` (the whole directory), in directory order. */
export function parseCentralEntries(bytes: Uint8Array, expected: number): CentralEntry[] {
  const v = view(bytes);
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  const entries: CentralEntry[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + FIXED_SIZES.centralHeader > bytes.length || v.getUint32(at, true) !== SIGNATURES.centralHeader) {
      throw new VerifyFailure("zip", {}, `central directory header ${entries.length + 1} is malformed`);
    }
    const nameLength = v.getUint16(at + 28, true);
    const extraLength = v.getUint16(at + 30, true);
    const commentLength = v.getUint16(at + 32, true);
    const nameStart = at + FIXED_SIZES.centralHeader;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > bytes.length) {
      throw new VerifyFailure(
        "zip",
        {},
        `central directory header ${entries.length + 1} runs past the directory`,
      );
    }
    let name: string;
    try {
      name = decoder.decode(bytes.subarray(nameStart, extraStart));
    } catch {
      throw new VerifyFailure(
        "zip",
        {},
        `central directory header ${entries.length + 1} has a name that is not UTF-8`,
      );
    }
    const entry: CentralEntry = {
      name,
      flags: v.getUint16(at + 8, true),
      method: v.getUint16(at + 10, true),
      crc32: v.getUint32(at + 16, true),
      compressedSize: v.getUint32(at + 20, true),
      size: v.getUint32(at + 24, true),
      localHeaderOffset: v.getUint32(at + 42, true),
    };
    applyZip64Extra(entry, bytes.subarray(extraStart, extraStart + extraLength));
    entries.push(entry);
    at = next;
  }
  if (entries.length !== expected) {
    throw new VerifyFailure(
      "zip",
      {},
      `end record counts ${expected} entries, the central directory has ${entries.length}`,
    );
  }
  return entries;
}

/** §4.5.3: the ZIP64 extra holds, in this order, only the fields saturated in the header. */
function applyZip64Extra(entry: CentralEntry, extra: Uint8Array): void {
  const v = view(extra);
  for (let at = 0; at + 4 <= extra.length;) {
    const id = v.getUint16(at, true);
    const length = v.getUint16(at + 2, true);
    if (id === ZIP64_EXTRA) {
      let field = at + 4;
      const take = (): number => {
        if (field + 8 > at + 4 + length) {
          throw new VerifyFailure(
            "zip",
            { file: entry.name },
            "ZIP64 extra field is shorter than its header says",
          );
        }
        const value = u64(v, field);
        field += 8;
        return value;
      };
      if (entry.size === MAX_32) entry.size = take();
      if (entry.compressedSize === MAX_32) entry.compressedSize = take();
      if (entry.localHeaderOffset === MAX_32) entry.localHeaderOffset = take();
      return;
    }
    at += 4 + length;
  }
}

/** A local header's name and where its data starts; the name must be the central directory's. */
export function parseLocalHeader(bytes: Uint8Array, entry: CentralEntry): { dataOffset: number } {
  const v = view(bytes);
  if (bytes.length < FIXED_SIZES.localHeader || v.getUint32(0, true) !== SIGNATURES.localHeader) {
    throw new VerifyFailure(
      "zip",
      { file: entry.name },
      `no local header at offset ${entry.localHeaderOffset}`,
    );
  }
  const nameLength = v.getUint16(26, true);
  const extraLength = v.getUint16(28, true);
  const method = v.getUint16(8, true);
  const start = FIXED_SIZES.localHeader;
  if (bytes.length < start + nameLength) {
    throw new VerifyFailure("zip", { file: entry.name }, "local header is truncated");
  }
  const name = new TextDecoder().decode(bytes.subarray(start, start + nameLength));
  if (name !== entry.name) {
    throw new VerifyFailure(
      "zip",
      { file: entry.name },
      `local header names ${JSON.stringify(name)}, the central directory ${JSON.stringify(entry.name)}`,
    );
  }
  if (method !== entry.method) {
    throw new VerifyFailure(
      "zip",
      { file: entry.name },
      `local header says method ${method}, the central directory ${entry.method}`,
    );
  }
  return { dataOffset: entry.localHeaderOffset + start + nameLength + extraLength };
}

/**
 * §4.3.9: after the data, an optional signature, the CRC-32 and both sizes (8 bytes each under ZIP64).
 * Returns the descriptor's length, or 0 when the entry has none (flag bit 3 clear).
 */
export function checkDataDescriptor(bytes: Uint8Array, entry: CentralEntry): number {
  if ((entry.flags & 0x08) === 0) return 0;
  const v = view(bytes);
  const signed = bytes.length >= 4 && v.getUint32(0, true) === SIGNATURES.dataDescriptor ? 4 : 0;
  const fail = (what: string) => new VerifyFailure("zip", { file: entry.name }, `data descriptor ${what}`);
  if (bytes.length < signed + 12) throw fail("is truncated");
  if (v.getUint32(signed, true) !== entry.crc32) throw fail("CRC-32 differs from the central directory's");
  const narrow =
    v.getUint32(signed + 4, true) === entry.compressedSize && v.getUint32(signed + 8, true) === entry.size;
  if (narrow) return signed + 12;
  if (
    bytes.length >= signed + 20 &&
    u64(v, signed + 4) === entry.compressedSize &&
    u64(v, signed + 12) === entry.size
  ) {
    return signed + 20;
  }
  throw fail("sizes differ from the central directory's");
}
