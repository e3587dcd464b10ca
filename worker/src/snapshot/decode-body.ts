import { captureBody, type CapturedBody } from "./body-capture.ts";

/**
 * Content codings (RFC 9110 §8.4.1) the recorder undoes before masking, with the runtime's native
 * decompressor. Bodies are stored decoded: masking needs the plain bytes, and one blob then serves any coding.
 */
type Format = "gzip" | "deflate" | "deflate-raw";

const DECODERS = {
  gzip: "gzip",
  "x-gzip": "gzip",
  deflate: "deflate",
} as const satisfies Record<string, Format>;

export type DecodeResult =
  | { ok: true; body: CapturedBody }
  | { ok: false; reason: "unsupported_encoding" | "decode_failed"; coding: string };

/** Decodes a captured body per its Content-Encoding list (applied in order, so undone in reverse). */
export async function decodeBody(
  body: CapturedBody,
  contentEncoding: string | null,
  cap: number,
): Promise<DecodeResult> {
  const codings = (contentEncoding ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  if (codings.length === 0) return { ok: true, body };
  // A truncated compressed body cannot be decoded to its end; what decodes is kept, marked truncated.
  let current = body;
  for (const coding of codings.reverse()) {
    const format = (DECODERS as Record<string, Format | undefined>)[coding];
    if (!format) return { ok: false, reason: "unsupported_encoding", coding };
    const decoded = await captureBody(
      new Blob([current.bytes]).stream().pipeThrough(new DecompressionStream(format)),
      cap,
    );
    if (decoded.error && !current.truncated && !current.error)
      return { ok: false, reason: "decode_failed", coding };
    current = {
      bytes: decoded.bytes,
      // Past the wire cap only the wire size is known; otherwise the decoded size is the body's size.
      size: current.truncated ? current.size : decoded.size,
      truncated: current.truncated || decoded.truncated,
      error: current.error,
    };
  }
  return { ok: true, body: current };
}
