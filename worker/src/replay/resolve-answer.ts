import type { ExchangeRow } from "../record/rows.ts";
import type { ReplayReader } from "../store/replay-reader.ts";
import type { Answer } from "./replay-response.ts";
import type { Decision } from "./select-exchange.ts";
import { personalReason, pickSharedCapture } from "./shared-capture.ts";

/**
 * Turns a decision into what is sent, for the two cases where the matched exchange has no body of its own:
 * - a `304 Not Modified` in the session: the body it revalidated (the recorder linked it by validator),
 *   else a capture with the same strong validator, which by RFC 9110 §8.8.1 is the same representation;
 * - nothing in the session (the browser had it cached): a shareable capture of the URL from the archive,
 *   for subresource GETs only, since pages are personal.
 */
export type AnswerRequest = { url: string; at: number; navigation: boolean; method: string };

export async function resolveAnswer(
  decision: Exclude<Decision<ExchangeRow>, { kind: "redirect" }>,
  reader: ReplayReader,
  request: AnswerRequest,
): Promise<Answer | null> {
  if (decision.kind === "serve") {
    const row = decision.row;
    if (row.status !== 304) {
      return {
        row,
        bodyFrom: row,
        status: row.status,
        outcome: decision.exact ? "recorded" : "recorded-inexact",
      };
    }
    const source = await revalidatedBody(row, reader, request.at);
    if (source) return { row, bodyFrom: source, status: 200, outcome: "revalidated" };
  }
  if (request.navigation || (request.method !== "GET" && request.method !== "HEAD")) return null;
  const shared = pickSharedCapture(await reader.capturesOf(request.url, request.at), request.at);
  return shared ? { row: shared, bodyFrom: shared, status: 200, outcome: "shared-capture" } : null;
}

/** The capture holding the body a recorded 304 told the browser to reuse, or null. */
async function revalidatedBody(
  row: ExchangeRow,
  reader: ReplayReader,
  at: number,
): Promise<ExchangeRow | null> {
  if (row.revalidated_digest) {
    const holder = await reader.captureByDigest(row.url, row.revalidated_digest, at);
    if (holder) return holder;
  }
  if (!row.validator) return null;
  const capture = await reader.captureByValidator(row.url, row.validator, at);
  if (!capture) return null;
  // A weak ETag or a Last-Modified date can repeat across users' personal responses; a strong ETag cannot.
  return isStrongEtag(row.validator) || personalReason(capture) === null ? capture : null;
}

export function isStrongEtag(validator: string): boolean {
  return /^"[^"]*"$/.test(validator.trim());
}
