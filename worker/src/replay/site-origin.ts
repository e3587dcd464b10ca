import { applyEdits, type Edit } from "../util/edits.ts";

/**
 * The recorded site's origin, and the one rewrite replay needs. A replayed page is served from its own
 * replay origin, so its root-relative and relative URLs already resolve there; only an ABSOLUTE URL that
 * names the site (`https://shop.example/a.css`, `//shop.example/a.css`, either scheme) would leave it, and
 * becomes root-relative (`/a.css`). Third-party URLs stay as they are: the replay CSP blocks them and they
 * are listed as blocked.
 */
export type SiteOrigin = {
  /** `https://shop.example`, as recorded. */
  origin: string;
  /** Sticky, case-insensitive: the site's origin at a given index, then a character that ends a host. */
  prefix: RegExp;
  /**
   * As `prefix`, for the content of a JavaScript string or JSON string, tried at its start: slashes may be
   * escaped (`http:\/\/shop.example\/a`, as PHP's json_encode writes them), and the string's end ends it.
   */
  literalPrefix: RegExp;
  /** The host anywhere, after `//` or `\/\/`, case-insensitive: a body that never names it has nothing to rewrite. */
  mentioned: RegExp;
};

/** Characters that may follow an origin in a URL, or end the URL in the markup around it. */
const HOST_END = String.raw`(?=[/?#\s"'(),;<>]|$)`;
/** The same inside a string literal's content: a slash (maybe escaped), a query, a fragment or its end. */
const LITERAL_HOST_END = String.raw`(?=/|\\/|[?#]|$)`;
/** A slash in a string literal, as written or escaped. */
const SLASH = String.raw`(?:/|\\/)`;

export function siteOriginOf(recordedUrl: string): SiteOrigin {
  const url = new URL(recordedUrl);
  // A default port may still be spelled out (`https://shop.example:443/`); a non-default one must match.
  const port = url.port === "" ? "(?::(?:80|443))?" : `:${url.port}`;
  const host = escapeRegExp(url.hostname);
  return {
    origin: url.origin,
    prefix: new RegExp(`(?:https?:)?//${host}${port}${HOST_END}`, "iy"),
    literalPrefix: new RegExp(`^(?:https?:)?${SLASH}${SLASH}${host}${port}${LITERAL_HOST_END}`, "i"),
    mentioned: new RegExp(`${SLASH}${SLASH}${host}`, "i"),
  };
}

/** The length of the site-origin prefix of the URL that starts at `at` in `text`, or 0. */
export function sitePrefixAt(text: string, at: number, site: SiteOrigin): number {
  site.prefix.lastIndex = at;
  return site.prefix.exec(text)?.[0].length ?? 0;
}

/**
 * The edit that makes the URL starting at `at` root-relative, or null when it does not name the site.
 * `https://shop.example//evil.example/x` must not become the protocol-relative `//evil.example/x`: a `/.`
 * in front keeps it a path on the replay origin (the `.` segment is dropped when the browser resolves it).
 */
export function rootRelativeEdit(text: string, at: number, site: SiteOrigin, offset = 0): Edit | null {
  const length = sitePrefixAt(text, at, site);
  if (length === 0) return null;
  const next = text.slice(at + length, at + length + 2);
  const replacement = next === "//" || next === "/\\" ? "/." : next.startsWith("/") ? "" : "/";
  return { start: offset + at, end: offset + at + length, text: replacement };
}

/** One whole URL value (an attribute, a Location header): `https://shop.example/a?b` → `/a?b`. */
export function rewriteUrl(url: string, site: SiteOrigin): string {
  const edit = rootRelativeEdit(url, leadingSpace(url), site);
  return edit ? applyEdits(url, [edit]) : url;
}

/** How many ASCII whitespace characters a URL value starts with: browsers strip those (and only those). */
export function leadingSpace(value: string): number {
  return /^[\t\n\f\r ]*/.exec(value)?.[0].length ?? 0;
}

/**
 * Where the URL starts in a refresh value (`<meta http-equiv=refresh content="5; url='/next'">`, the
 * `Refresh` header), after the HTML spec's "shared declarative refresh steps"; null when there is none.
 */
const REFRESH_URL = /^\s*[\d.]*\s*[;,]\s*(?:url\s*=\s*)?["']?/i;

export function refreshUrlStart(content: string): number | null {
  const match = REFRESH_URL.exec(content);
  return match ? match[0].length : null;
}

export function rewriteRefresh(content: string, site: SiteOrigin): string {
  const at = refreshUrlStart(content);
  const edit = at === null ? null : rootRelativeEdit(content, at, site);
  return edit ? applyEdits(content, [edit]) : content;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
