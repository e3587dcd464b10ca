import type { CapturedBody } from "../snapshot/body-capture.ts";
import type { RequestContext } from "../snapshot/request-context.ts";

/**
 * A body on its way to the recorder: read to the end on the visitor's isolate already (small bodies of known
 * length, capture/hand-off.ts), still a tee branch (large or unknown length), or none.
 */
export type BodySource = ReadableStream<Uint8Array> | CapturedBody | null;

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
    body: BodySource;
  };
  response: {
    status: number;
    headers: Headers;
    /** A tee branch of the origin's body, or its bytes (read already, or made by the recorder: the 502 page). */
    body: BodySource;
    /** Why the body is not recorded although there was one (not a recorded type, event stream). */
    bodyNote: string | null;
  };
  context: RequestContext;
  /**
   * The recorder cookie that names this visit: one the visitor sent back that this deployment signed, or the
   * one minted for this response. Null when there is neither; a value that did not verify is never here, and
   * the Cookie header's copy is never read for a session (proxy/recorder-cookie.ts).
   */
  recorderCookie: string | null;
  /** The recorder cookie set on this response, when the visitor arrived without any session cookie. */
  newRecorderCookie: string | null;
  /** origin_unreachable, ... (origin_reset is found while reading the body). */
  error: string | null;
};
