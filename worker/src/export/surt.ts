/**
 * The CDXJ sort key (the "Searchable URL" of the CDXJ spec), computed exactly as warcio's getSurt, which
 * ReplayWeb.page (wabac.js) and pywb's js tools use for lookups: a leading `www`, `www2`… is dropped,
 * everything lowercased, the host reversed and comma-joined, the port kept when not the default, `)`, the
 * path, then the query's `&`-separated parts sorted. Not a URL (no http/https): the text as it is.
 */
export function surtOf(url: string): string {
  if (!url.startsWith("https:") && !url.startsWith("http:")) return url;
  let parsed: URL;
  try {
    parsed = new URL(url.replace(/^(https?:\/\/)www\d*\./, "$1").toLowerCase());
  } catch {
    return url;
  }
  let key = parsed.hostname.split(".").reverse().join(",");
  if (parsed.port) key += `:${parsed.port}`;
  key += `)${parsed.pathname}`;
  if (parsed.search) key += `?${parsed.search.slice(1).split("&").sort().join("&")}`;
  return key;
}

/** The 14-digit CDXJ timestamp (YYYYMMDDhhmmss, UTC) of an epoch time. */
export function cdxTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:T]/g, "").slice(0, 14);
}
