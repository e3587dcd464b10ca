import type { Config } from "../config/config.ts";
import type { RequestContext } from "../snapshot/request-context.ts";
import type { BodySource, PendingExchange } from "./pending-exchange.ts";

/**
 * What crosses from the visitor's isolate to a recording shard, besides the two body streams: plain data,
 * so Workers RPC can carry it. Raw and unmasked, it is handed over in memory and never stored; the shard
 * masks it before anything leaves.
 */
export type Envelope = {
  /**
   * The settings this exchange was proxied under, so the shard records it under the same ones (the shard's
   * own deployment may be mid-update). Secrets are not among them: the shard has its own.
   */
  settings: RecordingSettings;
  id: string;
  startedAt: number;
  ttfbMs: number | null;
  request: { method: string; url: string; headers: [string, string][] };
  response: {
    status: number;
    headers: [string, string][];
    /** Why the body is not recorded although there was one (not a recorded type, event stream). */
    bodyNote: string | null;
  };
  context: RequestContext;
  /** See PendingExchange: the verified recorder cookie, and the one minted for this response. */
  recorderCookie: string | null;
  newRecorderCookie: string | null;
  error: string | null;
};

export type RecordingSettings = Pick<
  Config,
  "bodyCapBytes" | "sessionCookies" | "ipv4PrefixBits" | "ipv6PrefixBits" | "sessionQuotaBytes"
>;

export function recordingSettings(config: Config): RecordingSettings {
  return {
    bodyCapBytes: config.bodyCapBytes,
    sessionCookies: config.sessionCookies,
    ipv4PrefixBits: config.ipv4PrefixBits,
    ipv6PrefixBits: config.ipv6PrefixBits,
    sessionQuotaBytes: config.sessionQuotaBytes,
  };
}

/** Header lists as pairs: Headers iteration yields each Set-Cookie apart, so nothing is folded. */
export function headerPairs(headers: Headers): [string, string][] {
  return [...headers];
}

export function envelopeOf(
  config: Config,
  pending: Omit<PendingExchange, "request" | "response"> & {
    request: { method: string; url: string; headers: Headers };
    response: { status: number; headers: Headers; bodyNote: string | null };
  },
): Envelope {
  return {
    settings: recordingSettings(config),
    id: pending.id,
    startedAt: pending.startedAt,
    ttfbMs: pending.ttfbMs,
    request: {
      method: pending.request.method,
      url: pending.request.url,
      headers: headerPairs(pending.request.headers),
    },
    response: {
      status: pending.response.status,
      headers: headerPairs(pending.response.headers),
      bodyNote: pending.response.bodyNote,
    },
    context: pending.context,
    recorderCookie: pending.recorderCookie,
    newRecorderCookie: pending.newRecorderCookie,
    error: pending.error,
  };
}

/** The shard's side: the envelope and its bodies back as one pending exchange. */
export function pendingOf(
  envelope: Envelope,
  requestBody: BodySource,
  responseBody: BodySource,
): PendingExchange {
  return {
    id: envelope.id,
    startedAt: envelope.startedAt,
    ttfbMs: envelope.ttfbMs,
    request: {
      method: envelope.request.method,
      url: envelope.request.url,
      headers: new Headers(envelope.request.headers),
      body: requestBody,
    },
    response: {
      status: envelope.response.status,
      headers: new Headers(envelope.response.headers),
      body: responseBody,
      bodyNote: envelope.response.bodyNote,
    },
    context: envelope.context,
    // An envelope from a Worker version before signed cookies has none: the visit is not trusted to one.
    recorderCookie: envelope.recorderCookie ?? null,
    newRecorderCookie: envelope.newRecorderCookie,
    error: envelope.error,
  };
}
