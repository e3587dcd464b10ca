import type { DeclaredForm } from "../mask/forms.ts";
import { maskBody, maskUrl, recorderMaskContext } from "../mask/index.ts";
import { sha256Hex } from "../snapshot/record-hash.ts";

/**
 * A request to a replay origin, turned into what the recorder stored for the same request on the site:
 * the original URL (site origin + path + query) and body, masked by the same policy with the same key, so
 * they compare with stored URLs and `request_body_digest` by equality. The masker is the recorder's own;
 * this file is the one place replay calls it.
 */
export type MaskedRequest = {
  /** Masked like exchanges.url; `encrypt` values as COMPARABLE placeholders (see comparableUrl). */
  url: string;
  /** SHA-256 of the masked body, or null without a body (or when it cannot be masked). */
  bodyDigest: string | null;
  /** The URL has `encrypt`-sealed parts: stored URLs can only be found by the part before them. */
  sealed: boolean;
};

/**
 * `encrypt` rules seal each value with fresh randomness (`[enc:<base64>]`, or a pending marker before
 * sealing), so two maskings of one URL never agree on those parts. They compare as one token instead.
 */
const SEALED = /\[enc:[^\]]*\]/g;

export function comparableUrl(url: string): string {
  return url.replace(SEALED, "[enc]");
}

export async function maskReplayRequest(input: {
  url: string;
  body: Uint8Array | null;
  contentType: string | null;
  secret: string;
  /** The form the body was posted from, looked up as the recorder looks it up (recorder/learned-forms.ts). */
  declaredForm: DeclaredForm | null;
}): Promise<MaskedRequest> {
  const masked = maskUrl(input.url, recorderMaskContext(input.secret, input.url), "url");
  const url = comparableUrl(masked);
  const sealed = url !== masked;
  if (input.body === null || input.body.byteLength === 0) return { url, bodyDigest: null, sealed };
  try {
    const ctx = recorderMaskContext(input.secret, input.url);
    // The recorder masked the posted form by what its page declared: a password typed again compares equal.
    ctx.declaredForm = input.declaredForm;
    const body = maskBody(input.body, input.contentType, ctx);
    return { url, bodyDigest: await sha256Hex(body), sealed };
  } catch {
    // The recorder stored no body it could not mask, so nothing can match it exactly either.
    return { url, bodyDigest: null, sealed };
  }
}

/**
 * A navigation, as the recorder decides page views: Fetch Metadata says `document` (or `iframe`: the
 * console shows replays in a frame); without Fetch Metadata, a GET that accepts HTML.
 */
const NAVIGATION_DESTINATIONS: ReadonlySet<string> = new Set(["document", "iframe", "frame"]);

export function isNavigation(method: string, headers: Headers): boolean {
  const dest = headers.get("sec-fetch-dest");
  if (dest !== null) return NAVIGATION_DESTINATIONS.has(dest);
  return method === "GET" && (headers.get("accept") ?? "").includes("text/html");
}
