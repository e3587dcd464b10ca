import { getDomain, parse } from "tldts";

/**
 * Sites in the browser's sense (RFC 6265bis "same-site"): hosts that share a registrable domain, by the
 * Public Suffix List (private suffixes included, so `a.github.io` and `b.github.io` are different sites).
 * Loopback names have no listed suffix: each `*.localhost` name is a site of its own, as in Chromium.
 */
export function registrableDomain(host: string): string {
  const name = host
    .toLowerCase()
    .replace(/:\d+$/, "")
    .replace(/^\[|\]$/g, "");
  if (parse(name).isIp) return name;
  return getDomain(name, { allowPrivateDomains: true }) ?? name;
}

export function sameSite(a: string, b: string): boolean {
  return registrableDomain(a) === registrableDomain(b);
}

/** Names only this machine answers: local dev, where demo credentials are allowed. */
export function isLoopbackHost(host: string): boolean {
  const name = host
    .toLowerCase()
    .replace(/:\d+$/, "")
    .replace(/^\[|\]$/g, "");
  return name === "localhost" || name.endsWith(".localhost") || name === "127.0.0.1" || name === "::1";
}
