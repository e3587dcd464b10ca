import type { Config } from "../config/config.ts";
import { log } from "../log/log.ts";
import { envelopeOf, type Envelope } from "../capture/envelope.ts";
import { handOff, type HandOffTarget, type RecorderPort } from "../capture/hand-off.ts";
import { shardOf } from "../capture/shard-key.ts";
import { isRecordedType, mediaType } from "../snapshot/content-class.ts";
import { parseCookieHeader } from "../snapshot/cookies.ts";
import { exchangeId } from "../snapshot/ids.ts";
import { clientIpOf, requestContext } from "../snapshot/request-context.ts";
import { badGatewayPage } from "./error-page.ts";
import { withoutHopByHop } from "./hop-by-hop.ts";
import { toPublicHeaders } from "./public-headers.ts";
import { recorderCookieOf, recorderSetCookie } from "./recorder-cookie.ts";
import { buildUpstreamRequest } from "./upstream-request.ts";

/** Statuses whose responses have no body by definition (RFC 9110 §6.4.1); a Response with one would throw. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
/** Bodies that never end by design: proxied as they stream, recorded as metadata only. */
const STREAMING_TYPES = new Set(["text/event-stream", "multipart/x-mixed-replace"]);

type RecorderCookie = { value: string | null; minted: string | null };
const NO_RECORDER_COOKIE: RecorderCookie = { value: null, minted: null };

export type VisitDeps = {
  config: Config;
  ctx: ExecutionContext;
  /** The recording shard with this number (capture/shard-key.ts picks it from the session cookie). */
  recorder: (shard: number) => RecorderPort;
};

/**
 * The request path. It forwards to the origin, returns the origin's response as soon as its headers
 * arrive, and hands a tee of the bodies to a recording shard (capture/hand-off.ts). This isolate does no
 * masking and no storage call: nothing the recorder does can change or delay the bytes the visitor receives.
 */
export async function proxyVisit(request: Request, deps: VisitDeps): Promise<Response> {
  const { config, ctx } = deps;
  const startedAt = Date.now();
  const url = new URL(request.url);
  const recordThis =
    config.recording && !config.excludePaths.some((prefix) => url.pathname.startsWith(prefix));
  const isWebSocket = (request.headers.get("upgrade") ?? "").toLowerCase() === "websocket";

  if (isWebSocket) {
    // The runtime splices the two sockets together; frames are not recorded.
    return fetch(
      buildUpstreamRequest({
        request,
        origin: config.origin,
        forwardHost: config.forwardHost,
        clientIp: clientIpOf(request),
        body: null,
        isWebSocket,
      }),
    );
  }

  // Verified (or minted) while the origin is asked: an HMAC of 32 characters under a cached key, done before
  // the origin's headers arrive, so the visitor waits for none of it. Without recording nothing is minted.
  // It fails open like every recorder step: a visitor never sees an error of the recorder's own.
  const recorderCookie = recordThis
    ? recorderCookieOf(
        config.secret,
        parseCookieHeader(request.headers.get("cookie")),
        config.sessionCookies,
      ).catch((error: unknown) => {
        log("warn", "recorder_cookie_failed", { kind: error instanceof Error ? error.name : "unknown" });
        return NO_RECORDER_COOKIE;
      })
    : Promise.resolve(NO_RECORDER_COOKIE);

  let upstreamBody = request.body;
  let recorderRequestBody: ReadableStream<Uint8Array> | null = null;
  if (recordThis && request.body) [upstreamBody, recorderRequestBody] = request.body.tee();

  const upstream = buildUpstreamRequest({
    request,
    origin: config.origin,
    forwardHost: config.forwardHost,
    clientIp: clientIpOf(request),
    body: upstreamBody,
    isWebSocket: false,
  });

  const envelope = (
    response: { status: number; headers: Headers; bodyNote: string | null },
    ttfbMs: number | null,
    error: string | null,
    sid: RecorderCookie,
  ): Envelope =>
    envelopeOf(config, {
      id: exchangeId(startedAt),
      startedAt,
      ttfbMs,
      request: { method: request.method, url: request.url, headers: request.headers },
      response,
      context: requestContext(request, config.ipv4PrefixBits, config.ipv6PrefixBits),
      recorderCookie: sid.value,
      newRecorderCookie: sid.minted,
      error,
    });
  const target = (sid: RecorderCookie): HandOffTarget => {
    const shard = shardOf(
      request.headers.get("cookie"),
      sid.value,
      config.sessionCookies,
      config.recordingShards,
    );
    return { shard, port: () => deps.recorder(shard), windowMs: config.handOffBatchMs };
  };

  let origin: Response;
  try {
    // Given to fetch itself: workerd does not carry encodeResponseBody over from a Request's init.
    origin = await fetch(upstream, { encodeResponseBody: "manual" });
  } catch (error) {
    log("warn", "origin_unreachable", { kind: error instanceof Error ? error.name : "unknown" });
    const sid = await recorderCookie;
    const newCookie = sid.minted;
    const page = badGatewayPage("The recorder could not connect to the origin server.");
    const headers = new Headers({ "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    if (newCookie) headers.append("set-cookie", recorderSetCookie(newCookie, url.protocol === "https:"));
    if (recordThis) {
      ctx.waitUntil(
        handOff(
          target(sid),
          envelope({ status: 502, headers, bodyNote: null }, null, "origin_unreachable", sid),
          recorderRequestBody,
          { bytes: page, size: page.byteLength, truncated: false, error: null },
        ),
      );
    }
    return new Response(page, { status: 502, headers });
  }
  const ttfbMs = Date.now() - startedAt;
  const sid = await recorderCookie;
  const newCookie = sid.minted;

  const contentType = origin.headers.get("content-type");
  const hasBody = origin.body !== null && !NULL_BODY_STATUSES.has(origin.status) && request.method !== "HEAD";
  const streaming = STREAMING_TYPES.has(mediaType(contentType));
  const recordBody =
    recordThis && hasBody && !streaming && isRecordedType(contentType, config.extraContentTypes);

  // A 304 or HEAD answer may still carry an (empty) stream; release it.
  if (!hasBody && origin.body) ctx.waitUntil(origin.body.cancel().catch(() => undefined));
  let visitorBody = hasBody ? origin.body : null;
  let recorderBody: ReadableStream<Uint8Array> | null = null;
  if (recordBody && origin.body) [visitorBody, recorderBody] = origin.body.tee();

  // What the visitor is sent, and so what is recorded: in ORIGIN mode the origin's self-references point
  // back at the recorder, or the browser would leave it at the first redirect.
  const answered = config.origin
    ? toPublicHeaders(origin.headers, { origin: config.origin, visitor: url })
    : origin.headers;
  const headers = withoutHopByHop(answered);
  if (newCookie) headers.append("set-cookie", recorderSetCookie(newCookie, url.protocol === "https:"));
  const response = new Response(visitorBody, {
    status: origin.status,
    statusText: origin.statusText,
    headers,
    // The body is the origin's encoded bytes: pass them on as they are.
    encodeBody: "manual",
  });

  if (recordThis) {
    const bodyNote = !hasBody
      ? null
      : streaming
        ? "streaming_not_recorded"
        : recordBody
          ? null
          : "type_not_recorded";
    ctx.waitUntil(
      handOff(
        target(sid),
        envelope({ status: origin.status, headers: answered, bodyNote }, ttfbMs, null, sid),
        recorderRequestBody,
        recorderBody,
      ),
    );
  }
  return response;
}
