import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { crc32 } from "./crc32.ts";

/**
 * A streaming zip writer (PKWARE APPNOTE 6.3.x) for WACZ: every entry STORED (the WARCs are gzip already,
 * WACZ 1.2 "Zip Compression"), sizes in a data descriptor after the data (general purpose bit 3), names
 * UTF-8 (bit 11), ZIP64 records only where a size or offset reaches 4 GiB.
 *
 * Why not fflate's Zip: an export is written over many Workflow steps, and only JSON survives between
 * steps. fflate's Zip keeps its entries and offsets in closures that cannot be saved and restored; this
 * writer's whole cross-step state is `ZipState` (the byte offset and the finished entries). An entry is
 * opened and closed inside one step, so its running CRC and SHA-256 never need to be saved.
 *
 * Output is reproducible: every entry is dated 1980-01-01 00:00 (the DOS epoch), so a retried step
 * writes identical bytes. Times that matter are inside the files (datapackage.json's `created`).
 */
export type ZipEntryInfo = { name: string; offset: number; size: number; crc: number; sha256: string };
export type ZipState = { offset: number; entries: ZipEntryInfo[] };

type OpenEntry = {
  name: string;
  offset: number;
  size: number;
  crc: number;
  hash: ReturnType<typeof sha256.create>;
};

const SIG = {
  local: 0x04034b50,
  descriptor: 0x08074b50,
  central: 0x02014b50,
  end64: 0x06064b50,
  locator64: 0x07064b50,
  end: 0x06054b50,
} as const;
/** A 32-bit field holding this value means "see the ZIP64 extra field / record" (APPNOTE 4.4.8). */
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
/** Bit 3: sizes and CRC follow the data; bit 11: the name is UTF-8 (APPNOTE 4.4.4). */
const FLAGS = 0x0008 | 0x0800;
const VERSION_DEFAULT = 20;
const VERSION_ZIP64 = 45;
/** DOS date for 1980-01-01: (year - 1980) << 9 | month << 5 | day. */
const DOS_DATE = (1 << 5) | 1;
const DOS_TIME = 0;
const ZIP64_EXTRA_ID = 0x0001;

export class ZipWriter {
  #offset: number;
  #entries: ZipEntryInfo[];
  #open: OpenEntry | null = null;

  constructor(state?: ZipState) {
    this.#offset = state?.offset ?? 0;
    this.#entries = state ? state.entries.map((e) => ({ ...e })) : [];
  }

  /** The local file header of a new entry; its sizes and CRC come after the data (close()). */
  open(name: string): Uint8Array {
    if (this.#open) throw new Error(`zip: "${this.#open.name}" is still open`);
    if (name === "" || this.#entries.some((e) => e.name === name))
      throw new Error(`zip: bad or duplicate entry name "${name}"`);
    const nameBytes = utf8ToBytes(name);
    const out = new Bytes(30 + nameBytes.length);
    out.u32(SIG.local).u16(VERSION_DEFAULT).u16(FLAGS).u16(0).u16(DOS_TIME).u16(DOS_DATE);
    out.u32(0).u32(0).u32(0).u16(nameBytes.length).u16(0).bytes(nameBytes);
    this.#open = { name, offset: this.#offset, size: 0, crc: 0, hash: sha256.create() };
    this.#offset += out.length;
    return out.done();
  }

  /** Counts `bytes` into the open entry and returns them unchanged, for the caller to upload. */
  write(bytes: Uint8Array): Uint8Array {
    const entry = this.#open;
    if (!entry) throw new Error("zip: write() with no open entry");
    entry.crc = crc32(bytes, entry.crc);
    entry.hash.update(bytes);
    entry.size += bytes.length;
    this.#offset += bytes.length;
    return bytes;
  }

  /**
   * The data descriptor. Sizes are 8 bytes when they reach 4 GiB (APPNOTE 4.3.9.2); a reader learns which
   * from the central directory's ZIP64 extra, as for Go's archive/zip, since the local header had to be
   * written before the size was known.
   */
  close(): Uint8Array {
    const entry = this.#open;
    if (!entry) throw new Error("zip: close() with no open entry");
    const wide = entry.size >= U32_MAX;
    const out = new Bytes(wide ? 24 : 16);
    out.u32(SIG.descriptor).u32(entry.crc);
    if (wide) out.u64(entry.size).u64(entry.size);
    else out.u32(entry.size).u32(entry.size);
    const info = {
      name: entry.name,
      offset: entry.offset,
      size: entry.size,
      crc: entry.crc,
      sha256: bytesToHex(entry.hash.digest()),
    };
    this.#entries.push(info);
    this.#open = null;
    this.#offset += out.length;
    return out.done();
  }

  /** The central directory and end records; ZIP64 end records when the count, size or offset overflow. */
  finish(): Uint8Array {
    if (this.#open) throw new Error(`zip: "${this.#open.name}" is still open`);
    const central = this.#entries.map(centralHeader);
    const cdOffset = this.#offset;
    const cdSize = central.reduce((n, h) => n + h.length, 0);
    const count = this.#entries.length;
    const zip64 = count >= U16_MAX || cdOffset >= U32_MAX || cdSize >= U32_MAX;
    const tail = new Bytes((zip64 ? 56 + 20 : 0) + 22);
    if (zip64) {
      // APPNOTE 4.3.14 and 4.3.15: the ZIP64 end of central directory record, then its locator.
      const end64Offset = cdOffset + cdSize;
      tail.u32(SIG.end64).u64(44).u16(VERSION_ZIP64).u16(VERSION_ZIP64).u32(0).u32(0);
      tail.u64(count).u64(count).u64(cdSize).u64(cdOffset);
      tail.u32(SIG.locator64).u32(0).u64(end64Offset).u32(1);
    }
    tail.u32(SIG.end).u16(0).u16(0).u16(Math.min(count, U16_MAX)).u16(Math.min(count, U16_MAX));
    tail.u32(Math.min(cdSize, U32_MAX)).u32(Math.min(cdOffset, U32_MAX)).u16(0);
    const out = concat([...central, tail.done()]);
    this.#offset += out.length;
    return out;
  }

  state(): ZipState {
    if (this.#open) throw new Error(`zip: "${this.#open.name}" is still open; its state cannot be saved`);
    return { offset: this.#offset, entries: this.#entries.map((e) => ({ ...e })) };
  }
}

function centralHeader(entry: ZipEntryInfo): Uint8Array {
  const nameBytes = utf8ToBytes(entry.name);
  // APPNOTE 4.5.3: only the fields whose 32-bit slot overflowed appear, in this order.
  const wideSize = entry.size >= U32_MAX;
  const wideOffset = entry.offset >= U32_MAX;
  const extraFields = (wideSize ? 2 : 0) + (wideOffset ? 1 : 0);
  const extraLength = extraFields ? 4 + 8 * extraFields : 0;
  const out = new Bytes(46 + nameBytes.length + extraLength);
  const version = extraFields ? VERSION_ZIP64 : VERSION_DEFAULT;
  // Made by MS-DOS (high byte 0): external attributes 0 then mean a plain file with default permissions.
  out.u32(SIG.central).u16(version).u16(version).u16(FLAGS).u16(0).u16(DOS_TIME).u16(DOS_DATE).u32(entry.crc);
  out.u32(wideSize ? U32_MAX : entry.size).u32(wideSize ? U32_MAX : entry.size);
  out.u16(nameBytes.length).u16(extraLength).u16(0).u16(0).u16(0).u32(0);
  out.u32(wideOffset ? U32_MAX : entry.offset).bytes(nameBytes);
  if (extraFields) {
    out.u16(ZIP64_EXTRA_ID).u16(8 * extraFields);
    if (wideSize) out.u64(entry.size).u64(entry.size);
    if (wideOffset) out.u64(entry.offset);
  }
  return out.done();
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Little-endian field writer (every zip integer is little-endian, APPNOTE 4.4.1.1). */
class Bytes {
  readonly #buf: Uint8Array;
  readonly #view: DataView;
  #at = 0;
  readonly length: number;
  constructor(length: number) {
    this.length = length;
    this.#buf = new Uint8Array(length);
    this.#view = new DataView(this.#buf.buffer);
  }
  u16(n: number): this {
    this.#view.setUint16(this.#at, n, true);
    this.#at += 2;
    return this;
  }
  u32(n: number): this {
    this.#view.setUint32(this.#at, n >>> 0, true);
    this.#at += 4;
    return this;
  }
  /** Offsets are JS numbers, exact up to 2^53: split into two 32-bit halves. */
  u64(n: number): this {
    return this.u32(n % 0x100000000).u32(Math.floor(n / 0x100000000));
  }
  bytes(b: Uint8Array): this {
    this.#buf.set(b, this.#at);
    this.#at += b.length;
    return this;
  }
  done(): Uint8Array {
    if (this.#at !== this.length) throw new Error(`zip: wrote ${this.#at} of ${this.length} bytes`);
    return this.#buf;
  }
}
