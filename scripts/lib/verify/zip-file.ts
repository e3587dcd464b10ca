import { open, type FileHandle } from "node:fs/promises";
import { UnreadableExport, VerifyFailure } from "./failure.ts";
import {
  checkDataDescriptor,
  type CentralEntry,
  FIXED_SIZES,
  MAX_END_RECORD,
  parseCentralEntries,
  parseLocalHeader,
  readCentralDirectory,
  STORED,
} from "./zip-format.ts";

/**
 * An export on disk, read through a file handle by offset: an export can be many GB, so only the central
 * directory is held in memory and every entry is streamed (or, for the small JSON and text entries, read
 * whole up to a limit). Opening checks the structure: every entry STORED, its local header where the
 * directory says and naming the same file, entries not overlapping each other or the directory, names unique.
 */
export type ZipEntry = CentralEntry & { dataOffset: number };

/** Chunk size for streaming reads: large enough that syscalls do not dominate, small enough to not matter. */
const CHUNK = 1 << 20;
/** An export has a few entries per 2,000 exchanges; a directory this large is not one (and is not allocated). */
const MAX_DIRECTORY = 256 << 20;
/** A data descriptor is at most 24 bytes (signature, CRC-32, two 8-byte sizes). */
const MAX_DESCRIPTOR = 24;

export class ZipFile {
  readonly path: string;
  readonly size: number;
  readonly entries: readonly ZipEntry[];
  readonly #handle: FileHandle;
  readonly #byName: ReadonlyMap<string, ZipEntry>;

  private constructor(path: string, handle: FileHandle, size: number, entries: ZipEntry[]) {
    this.path = path;
    this.#handle = handle;
    this.size = size;
    this.entries = entries;
    this.#byName = new Map(entries.map((e) => [e.name, e]));
  }

  static async open(path: string): Promise<ZipFile> {
    let handle: FileHandle;
    let size: number;
    try {
      handle = await open(path, "r");
      const stat = await handle.stat();
      if (!stat.isFile()) {
        await handle.close();
        throw new UnreadableExport(`${path} is not a file`);
      }
      size = stat.size;
    } catch (error) {
      if (error instanceof UnreadableExport) throw error;
      throw new UnreadableExport(
        `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    try {
      const entries = await readEntries(handle, size);
      return new ZipFile(path, handle, size, entries);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  entry(name: string): ZipEntry | undefined {
    return this.#byName.get(name);
  }

  /** The whole entry, for the small ones (JSON, keys, checkpoints); refuses more than `limit` bytes. */
  async read(entry: ZipEntry, limit = 64 << 20): Promise<Uint8Array> {
    if (entry.size > limit) {
      throw new VerifyFailure(
        "zip",
        { file: entry.name },
        `is ${entry.size} bytes, more than the ${limit} expected`,
      );
    }
    return readAt(this.#handle, entry.dataOffset, entry.size);
  }

  /** Streams `length` bytes of the entry from `from` (default: all of it) in chunks of up to 1 MiB. */
  async *stream(entry: ZipEntry, from = 0, length = entry.size - from): AsyncGenerator<Uint8Array> {
    if (from < 0 || length < 0 || from + length > entry.size) {
      throw new RangeError(`${entry.name}: range ${from}+${length} is outside its ${entry.size} bytes`);
    }
    let position = entry.dataOffset + from;
    const end = position + length;
    while (position < end) {
      const chunk = await readAt(this.#handle, position, Math.min(CHUNK, end - position));
      position += chunk.length;
      yield chunk;
    }
  }

  close(): Promise<void> {
    return this.#handle.close();
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

async function readEntries(handle: FileHandle, size: number): Promise<ZipEntry[]> {
  const tailLength = Math.min(size, MAX_END_RECORD + FIXED_SIZES.zip64Locator);
  const tailStart = size - tailLength;
  const tail = await readAt(handle, tailStart, tailLength);
  const directory = await readCentralDirectory(tail, tailStart, (offset, length) =>
    readAt(handle, offset, length),
  );
  if (directory.offset + directory.size !== directory.endOffset) {
    throw new VerifyFailure(
      "zip",
      {},
      `central directory (offset ${directory.offset}, ${directory.size} bytes) does not end where the end record starts (${directory.endOffset})`,
    );
  }
  if (directory.size > MAX_DIRECTORY) {
    throw new VerifyFailure(
      "zip",
      {},
      `central directory of ${directory.size} bytes is larger than any export's`,
    );
  }
  const central = parseCentralEntries(
    await readAt(handle, directory.offset, directory.size),
    directory.entries,
  );
  const seen = new Set<string>();
  const entries: ZipEntry[] = [];
  for (const entry of central) {
    if (seen.has(entry.name))
      throw new VerifyFailure("zip", { file: entry.name }, "appears twice in the zip");
    seen.add(entry.name);
    if (entry.name.startsWith("/") || entry.name.split("/").includes("..")) {
      throw new VerifyFailure("zip", { file: entry.name }, "path escapes the package");
    }
    if (entry.method !== STORED) {
      throw new VerifyFailure(
        "zip",
        { file: entry.name },
        `is compressed (method ${entry.method}); every export entry is STORED`,
      );
    }
    if (entry.compressedSize !== entry.size) {
      throw new VerifyFailure(
        "zip",
        { file: entry.name },
        `STORED entry has ${entry.compressedSize} bytes stored for ${entry.size}`,
      );
    }
    // The fixed part and the name the directory gives: a local header naming another file fails the
    // comparison in parseLocalHeader, whatever its own name length says.
    const nameLength = new TextEncoder().encode(entry.name).length;
    const header = await readAt(handle, entry.localHeaderOffset, FIXED_SIZES.localHeader + nameLength);
    const { dataOffset } = parseLocalHeader(header, entry);
    const dataEnd = dataOffset + entry.size;
    const descriptor = checkDataDescriptor(await readAt(handle, dataEnd, MAX_DESCRIPTOR), entry);
    if (dataEnd + descriptor > directory.offset) {
      throw new VerifyFailure("zip", { file: entry.name }, "runs into the central directory");
    }
    entries.push({ ...entry, dataOffset });
  }
  const byOffset = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 1; i < byOffset.length; i++) {
    const before = byOffset[i - 1];
    const after = byOffset[i];
    if (before && after && before.dataOffset + before.size > after.localHeaderOffset) {
      throw new VerifyFailure("zip", { file: after.name }, `overlaps ${before.name}`);
    }
  }
  return entries;
}
