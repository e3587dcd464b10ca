import type { HeaderList } from "./http-block.ts";
import { base64Of } from "./base64.ts";
import { headerValue } from "./http-block.ts";

/**
 * POST canonicalisation for the CDXJ index (webrecorder's "POST Canonicalization" spec, as warcio's
 * postToGetUrl implements it): a non-GET exchange is indexed under its URL plus
 * `__wb_method=<METHOD>&<body as a query>`, so a replay tool looking up the same request finds it.
 * ReplayWeb.page computes the lookup key with warcio's code, so this follows that code, quirks included
 * (the media type is matched case-sensitively; plain text that is not JSON becomes an empty query).
 */
const MAX_QUERY = 4096;

export type PostQuery = { requestBody: string; lookupUrl: string };

export function postQuery(
  method: string,
  url: string,
  headers: HeaderList,
  body: Uint8Array | null,
): PostQuery | null {
  if (method === "GET") return null;
  const contentType = headerValue(headers, "content-type") ?? "";
  const bytes = body ?? new Uint8Array(0);
  let query: string;
  switch (contentType.split(";")[0]) {
    case "application/x-www-form-urlencoded":
      query = text(bytes);
      break;
    case "application/json":
    case "text/plain":
      query = jsonQuery(text(bytes));
      break;
    case "multipart/form-data":
      query = multipartQuery(text(bytes), contentType);
      break;
    default:
      query = `__wb_post_data=${base64Of(bytes)}`;
  }
  if (query.length > MAX_QUERY) query = query.slice(0, MAX_QUERY);
  let decoded: string;
  try {
    decoded = decodeURI(query);
  } catch {
    decoded = "";
  }
  const joiner = url.indexOf("?") > 0 ? "&" : "?";
  return { requestBody: query, lookupUrl: `${url}${joiner}__wb_method=${method}&${decoded}` };
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Leaves of the JSON as `name=value`; a repeated name becomes `name.2_`, `name.3_`… (warcio's jsonToQueryParams). */
function jsonQuery(json: string): string {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = {};
  }
  const params = new URLSearchParams();
  const dupes = new Map<string, number>();
  const keyFor = (key: string): string => {
    if (!params.has(key)) return key;
    const n = (dupes.get(key) ?? 1) + 1;
    dupes.set(key, n);
    return `${key}.${n}_`;
  };
  const walk = (node: unknown, key: string): void => {
    let leaf = "";
    if (node === null) leaf = "null";
    else if (Array.isArray(node)) for (const item of node) walk(item, key);
    else if (typeof node === "object") for (const [k, v] of Object.entries(node)) walk(v, k);
    else if (typeof node === "string" || typeof node === "number" || typeof node === "boolean")
      leaf = String(node);
    if (leaf) params.set(keyFor(key), leaf);
  };
  walk(value, "");
  return params.toString();
}

function multipartQuery(body: string, contentType: string): string {
  const params = new URLSearchParams();
  try {
    const boundary = contentType.split("boundary=")[1];
    for (const part of body.split(new RegExp(`-*${boundary}-*`, "mi"))) {
      const m = part.trim().match(/name="([^"]+)"\r\n\r\n(.*)/im);
      if (m?.[1] !== undefined && m[2] !== undefined) params.set(m[1], m[2]);
    }
  } catch {
    // A boundary that is not a valid pattern: no fields, as warcio.
  }
  return params.toString();
}
