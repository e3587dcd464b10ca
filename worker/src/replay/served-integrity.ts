import { charsetOf, classify } from "../snapshot/content-class.ts";
import { binaryToBytes, bytesToBinary } from "../util/binary-string.ts";
import { integrityElements, withoutIntegrity, type IntegrityElement } from "./integrity-attributes.ts";
import { sitePrefixAt, type SiteOrigin } from "./site-origin.ts";
import { integrityMatches, parseIntegrity } from "./sri.ts";

/**
 * Masking can change a stored script or stylesheet (a card number in a string literal becomes XXXX), and
 * replay rewrites absolute URLs in stylesheets and scripts; either way the bytes a replayed page's subresource arrives
 * with can differ from those its `integrity` attribute hashed, and the browser would refuse the script or
 * stylesheet (W3C SRI §3.3.5). So before a page is served, each integrity-checked element's URL is looked
 * up as replay would answer it in this page view; the attribute is kept when the bytes replay would serve
 * still match it, and dropped otherwise. It guards against a tampering CDN; in replay every body is the
 * archive's own, checked against its SHA-256 digest before it is sent.
 */

/** The body replay would serve for a GET of this URL (site origin + path + query) in this page view, or null. */
export type SubresourceLookup = (siteUrl: string) => Promise<Uint8Array | null>;

/**
 * Each lookup is a D1 query or three and an R2 read. A page with more integrity-checked URLs than this has
 * the attribute dropped on the rest unchecked: a replay that loads every script is worth more than the
 * check, which (see above) protects nothing the archive does not already protect.
 */
export const MAX_INTEGRITY_LOOKUPS = 32;

/** A recorded page's bytes with `integrity` dropped where the replayed subresource would fail it. */
export async function withoutStaleIntegrity(
  bytes: Uint8Array,
  contentType: string | null,
  documentUrl: string,
  site: SiteOrigin,
  lookup: SubresourceLookup,
): Promise<Uint8Array> {
  const charset = charsetOf(contentType);
  // UTF-16 is the one charset in use that is not ASCII-compatible; such pages are served as recorded.
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (classify(contentType) !== "html" || utf16 || charset?.startsWith("utf-16")) return bytes;
  const html = bytesToBinary(bytes);
  if (!/integrity/i.test(html)) return bytes;
  const utf8 = charset === null || charset === "utf-8" || charset === "utf8";
  const elements = integrityElements(html, documentUrl, utf8 ? decodeUtf8 : (raw) => raw);
  const stale = await staleElements(elements, site, lookup);
  return stale.length === 0 ? bytes : binaryToBytes(withoutIntegrity(html, stale));
}

/** The elements whose integrity the body replay would serve fails, or which replay would not serve at all. */
export async function staleElements(
  elements: readonly IntegrityElement[],
  site: SiteOrigin,
  lookup: SubresourceLookup,
): Promise<IntegrityElement[]> {
  // A value with no algorithm SRI knows checks nothing: the browser loads whatever arrives.
  const checked = elements.filter((element) => parseIntegrity(element.integrity).length > 0);
  const urls = [...new Set(checked.flatMap((element) => siteUrlOf(element.url, site) ?? []))];
  const looked = urls.slice(0, MAX_INTEGRITY_LOOKUPS);
  const bodies = new Map(await Promise.all(looked.map(async (url) => [url, await lookup(url)] as const)));
  const verdicts = await Promise.all(
    checked.map(async (element) => {
      const url = siteUrlOf(element.url, site);
      // Not on the site (the replay CSP blocks it), not recorded, or past the bound: nothing to keep.
      const body = url === null ? null : (bodies.get(url) ?? null);
      return body !== null && (await integrityMatches(body, element.integrity));
    }),
  );
  return checked.filter((_, i) => verdicts[i] !== true);
}

/**
 * The URL as replay looks it up: on the replay origin, a URL to the recorded site arrives as its path and
 * query (rewrite-html makes absolute ones root-relative), put back on the site's origin; the fragment never
 * reaches the server. Null for any other origin.
 */
function siteUrlOf(url: string | null, site: SiteOrigin): string | null {
  if (url === null || sitePrefixAt(url, 0, site) === 0) return null;
  const parsed = new URL(url);
  return site.origin + parsed.pathname + parsed.search;
}

/** Attribute bytes of a UTF-8 page as the characters the browser reads (entities are already decoded). */
function decodeUtf8(raw: string): string {
  // A decoded entity above U+00FF is already a character, not a byte: the value is not a pure byte string.
  if (!/[\x80-\xff]/.test(raw) || /[^\x00-\xff]/.test(raw)) return raw;
  return new TextDecoder().decode(binaryToBytes(raw));
}
