import { withoutHopByHop } from "./hop-by-hop.ts";
import { stripCookie } from "./recorder-cookie.ts";

/**
 * Content codings the recorder can decode with the runtime's native DecompressionStream. The upstream
 * Accept-Encoding is narrowed to these so that the origin never answers with a coding (br, zstd) that the
 * recorder could only store undecoded. The visitor still gets the origin's compressed bytes untouched.
 */
const DECODABLE_CODINGS = ["gzip", "x-gzip", "deflate", "identity"] as const;

export type UpstreamInput = {
  request: Request;
  origin: URL | null;
  /** Send the visitor's Host to ORIGIN (config FORWARD_HOST); in route mode the Host is the visitor's anyway. */
  forwardHost: boolean;
  clientIp: string | null;
  body: ReadableStream<Uint8Array> | null;
  isWebSocket: boolean;
};

/** Builds the request sent to the origin: same method, path, query and body; proxy headers per RFC 9110 / RFC 7239 conventions. */
export function buildUpstreamRequest(input: UpstreamInput): Request {
  const { request, origin, forwardHost, clientIp, body, isWebSocket } = input;
  const incoming = new URL(request.url);
  const target = origin ? rebase(incoming, origin) : incoming;
  // Workers never send a Host of the script's choosing (fetch derives it from the URL, and ignores a `Host`
  // header, so origins that allowlist Cloudflare can trust it). Cloudflare's way to reach ORIGIN with the
  // visitor's Host is to fetch the visitor's host name and resolve it as ORIGIN's (`cf.resolveOverride`,
  // same zone only); config.ts refuses FORWARD_HOST with an ORIGIN that cannot work that way.
  const viaOverride = origin !== null && forwardHost;
  if (viaOverride) target.hostname = incoming.hostname;

  const headers = withoutHopByHop(request.headers, isWebSocket);
  stripCookie(headers);
  const forwardedFor = request.headers.get("x-forwarded-for");
  if (clientIp) headers.set("x-forwarded-for", forwardedFor ? `${forwardedFor}, ${clientIp}` : clientIp);
  headers.set("x-forwarded-proto", incoming.protocol.replace(":", ""));
  headers.set("x-forwarded-host", incoming.host);
  // The visitor gets the origin's bytes as they are, so the origin must be asked for what the visitor
  // accepts, not for what the runtime put on the request (see visitorAcceptEncoding).
  const acceptEncoding = visitorAcceptEncoding(request);
  headers.set("accept-encoding", acceptEncoding === null ? "identity" : narrowAcceptEncoding(acceptEncoding));

  return new Request(target, {
    method: request.method,
    headers,
    body,
    // Redirects are the origin's answer to the visitor, not something the proxy follows.
    redirect: "manual",
    ...(viaOverride ? { cf: { resolveOverride: origin.hostname } } : {}),
  });
}

function rebase(incoming: URL, origin: URL): URL {
  const target = new URL(origin.href);
  const basePath = origin.pathname.endsWith("/") ? origin.pathname.slice(0, -1) : origin.pathname;
  target.pathname = basePath + incoming.pathname;
  target.search = incoming.search;
  return target;
}

/**
 * The Accept-Encoding the visitor sent, or null if none. The edge replaces the header on the incoming
 * request with its own ("br, gzip" on Cloudflare, and so does Miniflare's entry worker under `wrangler dev`)
 * and keeps the client's value in `cf.clientAcceptEncoding`; Miniflare sets it to "" for a client that sent
 * none, such as curl. Without `cf` (a request built in a test or by another Worker) the header is the client's.
 */
export function visitorAcceptEncoding(request: Request): string | null {
  const cf = request.cf as { clientAcceptEncoding?: unknown } | undefined;
  const fromEdge = cf?.clientAcceptEncoding;
  const value = typeof fromEdge === "string" ? fromEdge : request.headers.get("accept-encoding");
  return value === null || value.trim() === "" ? null : value;
}

export function narrowAcceptEncoding(value: string): string {
  const kept = value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => {
      const coding = part.split(";")[0]?.trim().toLowerCase() ?? "";
      return coding === "*" ? false : (DECODABLE_CODINGS as readonly string[]).includes(coding);
    });
  return kept.length > 0 ? kept.join(", ") : "identity";
}
