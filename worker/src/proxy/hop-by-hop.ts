/**
 * RFC 9110 §7.6.1: connection-specific header fields are meaningful for one hop only and must not be
 * forwarded by a proxy, together with any field named in the Connection header itself. `proxy-authorization`
 * and `proxy-authenticate` belong to the hop between client and proxy (RFC 9110 §11.7).
 */
export const HOP_BY_HOP_HEADERS = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
] as const;

/** Copies `headers` without hop-by-hop fields. `keepUpgrade` keeps Connection/Upgrade for WebSocket handshakes. */
export function withoutHopByHop(headers: Headers, keepUpgrade = false): Headers {
  const out = new Headers(headers);
  const named = (headers.get("connection") ?? "")
    .split(",")
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token.length > 0);
  for (const name of [...HOP_BY_HOP_HEADERS, ...named]) {
    if (keepUpgrade && (name === "upgrade" || name === "connection")) continue;
    out.delete(name);
  }
  return out;
}
