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
  clientIp: string | null;
  body: ReadableStream<Uint8Array> | null;
  isWebSocket: boolean;
};

/** Builds the request sent to the origin: same method, path, query and body; proxy headers per RFC 9110 / RFC 7239 conventions. */
export function buildUpstreamRequest(input: UpstreamInput): Request {
  const { request, origin, clientIp, body, isWebSocket } = input;
  const incoming = new URL(request.url);
  const target = origin ? rebase(incoming, origin) : incoming;

  const headers = withoutHopByHop(request.headers, isWebSocket);
  stripCookie(headers);
  const forwardedFor = request.headers.get("x-forwarded-for");
  if (clientIp) headers.set("x-forwarded-for", forwardedFor ? `${forwardedFor}, ${clientIp}` : clientIp);
  headers.set("x-forwarded-proto", incoming.protocol.replace(":", ""));
  headers.set("x-forwarded-host", incoming.host);
  // workerd's fetch adds "Accept-Encoding: gzip" to requests that have none; since the visitor gets the
  // origin's bytes as they are, a visitor that asked for no coding must get none.
  const acceptEncoding = headers.get("accept-encoding");
  headers.set("accept-encoding", acceptEncoding === null ? "identity" : narrowAcceptEncoding(acceptEncoding));

  return new Request(target, {
    method: request.method,
    headers,
    body,
    // Redirects are the origin's answer to the visitor, not something the proxy follows.
    redirect: "manual",
  });
}

function rebase(incoming: URL, origin: URL): URL {
  const target = new URL(origin.href);
  const basePath = origin.pathname.endsWith("/") ? origin.pathname.slice(0, -1) : origin.pathname;
  target.pathname = basePath + incoming.pathname;
  target.search = incoming.search;
  return target;
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
