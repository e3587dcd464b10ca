import type { BlobStore } from "../store/blob-store.ts";
import type { ReplayReader } from "../store/replay-reader.ts";
import type { ExchangeRow } from "../record/rows.ts";
import { comparableUrl, maskReplayRequest } from "./replay-request.ts";
import { storedBody } from "./replay-response.ts";
import { resolveAnswer } from "./resolve-answer.ts";
import { rewriteBody } from "./rewrite-body.ts";
import { decide } from "./select-exchange.ts";
import type { SubresourceLookup } from "./served-integrity.ts";
import type { SiteOrigin } from "./site-origin.ts";

/**
 * The body replay would send for a subresource GET in one page view, found by the steps the request itself
 * takes in replay-app.ts: mask the URL, match the session's exchanges (select-exchange.ts), resolve 304s
 * and shared captures (resolve-answer.ts), read the verified body (replay-response.ts) and rewrite it
 * (rewrite-body.ts). Null when the browser would get no 2xx body: not recorded, a redirect or error
 * status, a missing or corrupt blob. A lookup is not a request the browser made, so it logs no event.
 */
export function archivedSubresources(input: {
  reader: ReplayReader;
  blobs: BlobStore;
  pageView: ExchangeRow;
  secret: string;
  site: SiteOrigin;
  /** The replay origin the page is served on: the subresource's bytes are rewritten for it, as sent. */
  replayOrigin: string;
}): SubresourceLookup {
  const { reader, blobs, pageView, secret, site, replayOrigin } = input;
  return async (siteUrl) => {
    const masked = await maskReplayRequest({
      url: siteUrl,
      body: null,
      contentType: null,
      secret,
      declaredForm: null,
    });
    const rows = await reader.matchCandidates(pageView.session_id, masked.url, { sealed: masked.sealed });
    const wanted = { method: "GET", url: masked.url, bodyDigest: null, navigation: false };
    const decision = decide(comparable(pageView), rows.map(comparable), wanted);
    if (decision.kind === "redirect") return null;
    // Decisions were made on comparable copies; answers are built from the rows as stored.
    const original =
      decision.kind === "serve" ? (rows.find((row) => row.id === decision.row.id) ?? null) : null;
    const answer = await resolveAnswer(
      decision.kind === "serve" && original ? { ...decision, row: original } : { kind: "not-recorded" },
      reader,
      { url: masked.url, at: pageView.started_at, navigation: false, method: "GET" },
    );
    if (!answer || answer.status < 200 || answer.status > 299) return null;
    const digest = answer.bodyFrom.response_body_digest;
    // No stored body: replay sends an empty one.
    if (digest === null) return new Uint8Array(0);
    const bytes = await storedBody(blobs, digest);
    return typeof bytes === "string"
      ? null
      : rewriteBody(bytes, answer.bodyFrom.content_type, site, replayOrigin);
  };
}

/** Rows with `encrypt`-sealed URL parts made comparable with a masked replay request (as replay-app.ts). */
function comparable<T extends { url: string }>(row: T): T {
  const url = comparableUrl(row.url);
  return url === row.url ? row : { ...row, url };
}
