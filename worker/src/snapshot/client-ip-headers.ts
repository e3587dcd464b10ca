import { truncateIp } from "./ip-truncate.ts";

/** Client addresses in request headers are kept as truncated as the context's (IP_TRUNCATE). */
const CLIENT_IP_HEADERS = [
  "cf-connecting-ip",
  "x-real-ip",
  "true-client-ip",
  "x-forwarded-for",
  "cf-connecting-ipv6",
] as const;

/** The truncation policy (IP_TRUNCATE): prefix lengths kept of IPv4 and IPv6 addresses. */
export type IpTruncation = { ipv4PrefixBits: number; ipv6PrefixBits: number };

export function withTruncatedIps(headers: Headers, config: IpTruncation): Headers {
  if (!CLIENT_IP_HEADERS.some((name) => headers.has(name))) return headers;
  const out = new Headers(headers);
  for (const name of CLIENT_IP_HEADERS) {
    const value = out.get(name);
    if (value === null) continue;
    const truncated = value
      .split(",")
      .map((ip) => truncateIp(ip.trim(), config.ipv4PrefixBits, config.ipv6PrefixBits) ?? "unparseable")
      .join(", ");
    out.set(name, truncated);
  }
  return out;
}
