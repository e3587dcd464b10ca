import { gunzipSync } from "fflate";

/**
 * A test-side reading of one gzip member holding one WARC record: fields, block, and the HTTP head and
 * payload inside the block. Deliberately naive (the Node suite reads whole files with warcio); it checks
 * the framing our writer promises: `WARC/1.1`, fields, an empty line, Content-Length bytes, CRLF CRLF.
 */
export type ReadRecord = {
  fields: Array<[string, string]>;
  field: (name: string) => string | null;
  block: Uint8Array;
  httpHead: string;
  payload: Uint8Array;
};

const decoder = new TextDecoder();

export function readRecord(member: Uint8Array): ReadRecord {
  const bytes = gunzipSync(member);
  const headEnd = indexOf(bytes, [13, 10, 13, 10], 0);
  if (headEnd < 0) throw new Error("no end of WARC head");
  const [version, ...lines] = decoder.decode(bytes.subarray(0, headEnd)).split("\r\n");
  if (version !== "WARC/1.1") throw new Error(`version line ${version}`);
  const fields = lines.map((line): [string, string] => {
    const colon = line.indexOf(": ");
    return [line.slice(0, colon), line.slice(colon + 2)];
  });
  const field = (name: string) => fields.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1] ?? null;
  const length = Number(field("Content-Length"));
  const block = bytes.subarray(headEnd + 4, headEnd + 4 + length);
  const trailer = decoder.decode(bytes.subarray(headEnd + 4 + length));
  if (trailer !== "\r\n\r\n")
    throw new Error(`record does not end with CRLF CRLF: ${JSON.stringify(trailer)}`);
  const isHttp = (field("Content-Type") ?? "").startsWith("application/http");
  const httpEnd = isHttp ? indexOf(block, [13, 10, 13, 10], 0) : -1;
  return {
    fields,
    field,
    block,
    httpHead: httpEnd >= 0 ? decoder.decode(block.subarray(0, httpEnd)) : "",
    payload: httpEnd >= 0 ? block.subarray(httpEnd + 4) : block,
  };
}

function indexOf(haystack: Uint8Array, needle: readonly number[], from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
