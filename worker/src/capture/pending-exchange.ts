import type { RequestContext } from "../snapshot/request-context.ts";

/**
 * Everything the proxy hands to the background recorder for one exchange. Raw and unmasked: it lives only
 * in memory, on its way to a recording shard and inside it, and only masked derivatives of it are ever written.
 */
export type PendingExchange = {
  id: string;
  startedAt: number;
  ttfbMs: number | null;
  request: {
    method: string;
    url: string;
    headers: Headers;
    body: ReadableStream<Uint8Array> | null;
  };
  response: {
    status: number;
    headers: Headers;
    /** A tee branch of the origin's body, bytes the recorder made itself (the 502 page), or null. */
    body: ReadableStream<Uint8Array> | Uint8Array | null;
    /** Why the body is not recorded although there was one (not a recorded type, event stream). */
    bodyNote: string | null;
  };
  context: RequestContext;
  /** The recorder cookie set on this response, when the visitor arrived without any session cookie. */
  newRecorderCookie: string | null;
  /** origin_unreachable, ... (origin_reset is found while reading the body). */
  error: string | null;
};
