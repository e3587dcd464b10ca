import { unzlibSync, zlibSync } from "fflate";
import { CHUNK_DICTIONARY_V1 } from "../../worker/src/record/chunk-dictionary.ts";

/** The DICTID of the chunk dictionary: bytes 2..6 of any zlib stream made with it (RFC 1950 §2.2). */
const DICT_ID = Buffer.from(zlibSync(new Uint8Array(0), { dictionary: CHUNK_DICTIONARY_V1 }).subarray(2, 6));

/**
 * Every index-segment member found in `bytes` (a local R2 file, wherever it sits in it): a zlib header
 * naming the chunk dictionary, inflated with it (worker/src/record/segment.ts). Scans of what the recorder
 * stores use this to look inside segments, which plain and gunzipped scans cannot read.
 */
export function segmentMembersIn(bytes: Uint8Array): Buffer[] {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Buffer[] = [];
  for (let at = data.indexOf(DICT_ID, 2); at !== -1; at = data.indexOf(DICT_ID, at + 1)) {
    try {
      out.push(Buffer.from(unzlibSync(data.subarray(at - 2), { dictionary: CHUNK_DICTIONARY_V1 })));
    } catch {
      // The four bytes occurred by chance.
    }
  }
  return out;
}
