import { cdxTimestamp, surtOf } from "./surt.ts";
import type { PostQuery } from "./post-query.ts";

/**
 * One CDXJ line (webrecorder CDXJ 0.1.0; WACZ 1.2 "CDXJ"): `<searchable url> <timestamp> <json>`. The JSON
 * has the fields the spec requires, in warcio's order, with numbers as numbers (the spec's example; pywb
 * writes strings, and ReplayWeb.page reads either), the payload digest labelled `sha256:`, and the
 * record's own digest (`recordDigest`, ArchiveWeb.page's field) so a partial reader can check the bytes it
 * fetched. Non-GET exchanges carry `method` and `requestBody` and are keyed by their canonical lookup URL.
 */
export type CdxjRecord = {
  url: string;
  epochMs: number;
  /** The response's media type without parameters; null when it sent none. */
  mime: string | null;
  status: number;
  payloadDigest: string;
  recordDigest: string;
  offset: number;
  length: number;
  filename: string;
  revisit: boolean;
  method: string;
  post: PostQuery | null;
};

export function cdxjLine(r: CdxjRecord): string {
  const json: Record<string, string | number> = {
    url: r.url,
    // pywb's convention: a revisit's mime is warc/revisit; a response without a type is "unk".
    mime: r.revisit ? "warc/revisit" : (r.mime ?? "unk"),
    status: r.status,
    digest: r.payloadDigest,
    length: r.length,
    offset: r.offset,
    filename: r.filename,
    recordDigest: r.recordDigest,
  };
  if (r.method !== "GET") json["method"] = r.method;
  // As warcio: an empty canonical body (plain text that is not JSON) is left out.
  if (r.post && r.post.requestBody !== "") json["requestBody"] = r.post.requestBody;
  return `${surtOf(r.post?.lookupUrl ?? r.url)} ${cdxTimestamp(r.epochMs)} ${JSON.stringify(json)}`;
}

/** A media type without its parameters, as warcio's indexer reports it (`text/html; charset=x` → `text/html`). */
export function bareMime(contentType: string | null): string | null {
  if (contentType === null) return null;
  const bare = contentType.split(";", 1)[0]?.trim() ?? "";
  return bare === "" ? null : bare;
}
