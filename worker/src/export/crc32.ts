/**
 * CRC-32 (ISO-HDLC, the zip and gzip checksum), slicing-by-8. fflate computes the same CRC inside its
 * Zip and gzip classes but does not export it, and the zip writer must carry a running CRC across
 * write() calls. Eight tables let the loop consume eight bytes per step: the WARCs are most of an
 * export's bytes and every one of them passes through here.
 */
const TABLES: readonly Uint32Array[] = buildTables();

function buildTables(): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  const [first] = tables;
  if (!first) throw new Error("crc32: no tables");
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    first[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = first[n] ?? 0;
    for (let t = 1; t < 8; t++) {
      c = (first[c & 0xff] ?? 0) ^ (c >>> 8);
      const table = tables[t];
      if (table) table[n] = c >>> 0;
    }
  }
  return tables;
}

/** The CRC-32 of everything seen so far plus `bytes`; start with 0. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
  if (!t0 || !t1 || !t2 || !t3 || !t4 || !t5 || !t6 || !t7) throw new Error("crc32: no tables");
  let c = ~previous >>> 0;
  let i = 0;
  const end8 = bytes.length - (bytes.length % 8);
  // Indexes stay inside each array, so `?? 0` never fires; it only tells the type checker so.
  while (i < end8) {
    const a =
      (c ^
        (bytes[i] ?? 0) ^
        ((bytes[i + 1] ?? 0) << 8) ^
        ((bytes[i + 2] ?? 0) << 16) ^
        ((bytes[i + 3] ?? 0) << 24)) >>>
      0;
    c =
      (t7[a & 0xff] ?? 0) ^
      (t6[(a >>> 8) & 0xff] ?? 0) ^
      (t5[(a >>> 16) & 0xff] ?? 0) ^
      (t4[a >>> 24] ?? 0) ^
      (t3[bytes[i + 4] ?? 0] ?? 0) ^
      (t2[bytes[i + 5] ?? 0] ?? 0) ^
      (t1[bytes[i + 6] ?? 0] ?? 0) ^
      (t0[bytes[i + 7] ?? 0] ?? 0);
    i += 8;
  }
  while (i < bytes.length) c = (t0[(c ^ (bytes[i++] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  return ~c >>> 0;
}
