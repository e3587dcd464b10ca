import type { BodySpec } from "./site-model.ts";
import type { Rng } from "./prng.ts";

/**
 * Request and response headers as the recorder stores them (JSON pairs in the order received, masked): what
 * a current browser sends for each Fetch Metadata destination, and what a typical origin behind nginx
 * answers. Cookie values appear as the masker leaves them (keyed hashes).
 */
export type Destination = "document" | "style" | "script" | "font" | "image" | "empty";

const ACCEPT: Record<Destination, string> = {
  document:
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8",
  style: "text/css,*/*;q=0.1",
  script: "*/*",
  font: "*/*",
  image: "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8",
  empty: "application/json",
};

export function requestHeaders(
  dest: Destination,
  o: {
    method: string;
    ua: string;
    language: string;
    cookie: string | null;
    referer: string | null;
    contentType: string | null;
    contentLength: number | null;
  },
): Array<[string, string]> {
  const out: Array<[string, string]> = [["host", "shop.example.com"]];
  if (o.contentLength !== null) out.push(["content-length", String(o.contentLength)]);
  if (dest === "document") out.push(["upgrade-insecure-requests", "1"]);
  out.push(["user-agent", o.ua], ["accept", ACCEPT[dest]]);
  if (o.contentType) out.push(["content-type", o.contentType]);
  if (dest === "empty" || o.method === "POST") out.push(["origin", "https://shop.example.com"]);
  out.push(
    ["sec-fetch-site", o.referer ? "same-origin" : "none"],
    [
      "sec-fetch-mode",
      dest === "document" ? "navigate" : dest === "font" || dest === "empty" ? "cors" : "no-cors",
    ],
    ["sec-fetch-dest", dest],
  );
  if (dest === "document") out.push(["sec-fetch-user", "?1"]);
  if (o.referer) out.push(["referer", o.referer]);
  out.push(["accept-encoding", "gzip, deflate, br, zstd"], ["accept-language", o.language]);
  if (o.cookie) out.push(["cookie", o.cookie]);
  return out;
}

export function responseHeaders(
  dest: Destination,
  status: number,
  at: number,
  body: BodySpec | null,
  r: Rng,
  setsCookie: boolean,
): Array<[string, string]> {
  const date = new Date(at).toUTCString();
  const out: Array<[string, string]> = [
    ["server", "nginx"],
    ["date", date],
  ];
  if (status === 303) {
    out.push(["content-length", "0"], ["location", "/order/confirmation"], ["cache-control", "no-store"]);
    return out;
  }
  if (body) out.push(["content-type", body.type]);
  const textual = body !== null && !/^(image\/(webp|png|jpeg)|font\/)/.test(body.type);
  // Bodies are stored decoded: the recorded headers keep the origin's coding, the export rewrites them.
  if (textual) out.push(["vary", "Accept-Encoding"]);
  else out.push(["content-length", String(body?.size ?? 0)]);
  if (body?.kind === "asset") {
    out.push(
      ["last-modified", "Tue, 18 Nov 2026 09:12:44 GMT"],
      ["etag", `"${(body.size * 2_654_435_761).toString(16).slice(-8)}-${body.size.toString(16)}"`],
      ["cache-control", "public, max-age=31536000, immutable"],
      ["accept-ranges", "bytes"],
    );
  } else {
    out.push(["cache-control", "private, no-store"], ["x-request-id", r.hex(32)]);
    if (dest === "document")
      out.push(
        ["content-security-policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"],
        ["strict-transport-security", "max-age=63072000; includeSubDomains"],
      );
  }
  if (textual) out.push(["content-encoding", "gzip"]);
  if (setsCookie)
    out.push(["set-cookie", `shop.sid=[hash:${r.hex(32)}]; Path=/; HttpOnly; Secure; SameSite=Lax`]);
  return out;
}
