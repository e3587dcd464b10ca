/**
 * In ORIGIN mode the origin speaks of itself: a redirect to `http://<origin-host>/cart` sends the browser
 * past the recorder to the origin, and nothing after it is recorded (or the origin, being private, is not
 * reachable at all). Like nginx `proxy_redirect default` and `proxy_cookie_domain`, response headers that
 * name the origin are rewritten to name the host the visitor used. Relative URLs and other hosts stay as
 * they are. Pure: headers in, headers out.
 */

/** Where a URL sits in each header that carries one. */
type UrlForm = "whole" | "refresh" | "link";

/** Response headers that carry URLs the browser follows or resolves (RFC 9110 §10.2.2, §8.7; RFC 8288). */
export const URL_HEADERS = [
  { name: "location", form: "whole" },
  { name: "content-location", form: "whole" },
  // Not in RFC 9110, but every browser honours `Refresh: 5; url=…` like <meta http-equiv="refresh">.
  { name: "refresh", form: "refresh" },
  { name: "link", form: "link" },
] as const satisfies readonly { name: string; form: UrlForm }[];

export type PublicHosts = {
  /** The ORIGIN the recorder forwards to. */
  origin: URL;
  /** The URL the visitor requested: its scheme and host are what the visitor must keep using. */
  visitor: URL;
};

/** Copies `headers` with every URL and cookie domain that names the origin moved to the visitor's host. */
export function toPublicHeaders(headers: Headers, hosts: PublicHosts): Headers {
  const out = new Headers(headers);
  for (const { name, form } of URL_HEADERS) {
    const value = headers.get(name);
    if (value === null) continue;
    const rewritten = REWRITERS[form](value, hosts);
    if (rewritten !== value) out.set(name, rewritten);
  }
  const cookies = headers.getSetCookie();
  const rewrittenCookies = cookies.map((cookie) => publicCookieDomain(cookie, hosts));
  if (rewrittenCookies.some((cookie, i) => cookie !== cookies[i])) {
    out.delete("set-cookie");
    for (const cookie of rewrittenCookies) out.append("set-cookie", cookie);
  }
  return out;
}

const REWRITERS: Readonly<Record<UrlForm, (value: string, hosts: PublicHosts) => string>> = {
  whole: (value, hosts) => publicUrl(value.trim(), hosts) ?? value,
  refresh: publicRefresh,
  link: (value, hosts) =>
    value.replace(/<([^>]*)>/g, (whole, target: string) => {
      const rewritten = publicUrl(target.trim(), hosts);
      return rewritten === null ? whole : `<${rewritten}>`;
    }),
};

// An absolute URL (RFC 3986 §3.1 scheme) or a network-path reference (`//host/...`, §4.2).
const ABSOLUTE = /^(?:[a-z][a-z0-9+.-]*:)?\/\//i;

/**
 * The visitor's URL for an absolute URL on the origin's host, or null to leave the value as it is. The host
 * is compared whatever the scheme: an origin behind TLS termination often redirects to `https://<itself>`.
 */
export function publicUrl(value: string, hosts: PublicHosts): string | null {
  if (!ABSOLUTE.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, hosts.origin);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.host !== hosts.origin.host && !sameHostDefaultPorts(url, hosts.origin)) return null;
  // ORIGIN may carry a base path that the recorder prepends upstream; take it off again.
  const base = hosts.origin.pathname.replace(/\/$/, "");
  const path =
    base !== "" && (url.pathname === base || url.pathname.startsWith(`${base}/`))
      ? url.pathname.slice(base.length) || "/"
      : url.pathname;
  const rest = `${path}${url.search}${url.hash}`;
  return value.startsWith("//") ? `//${hosts.visitor.host}${rest}` : `${hosts.visitor.origin}${rest}`;
}

/** `http://o` and `https://o` are the same host on their default ports, which URL.host leaves out. */
function sameHostDefaultPorts(url: URL, origin: URL): boolean {
  return url.hostname === origin.hostname && url.port === "" && origin.port === "";
}

// `<delay>; url=<target>` with optional quotes (HTML §4.2.5.3 "shared declarative refresh steps").
const REFRESH = /^(\s*\d[\d.]*\s*[;,]\s*(?:url\s*=\s*)?)(['"]?)(.*?)\2(\s*)$/i;

function publicRefresh(value: string, hosts: PublicHosts): string {
  const match = REFRESH.exec(value);
  if (!match) return value;
  const [, lead = "", quote = "", target = "", tail = ""] = match;
  const rewritten = publicUrl(target.trim(), hosts);
  return rewritten === null ? value : `${lead}${quote}${rewritten}${quote}${tail}`;
}

/**
 * A `Domain` that names the origin's host becomes the visitor's host, as nginx `proxy_cookie_domain <origin>
 * <public>` does. Rewriting rather than dropping keeps the scope the origin chose: a Domain cookie is also
 * sent to subdomains (RFC 6265 §5.3 step 6), a host-only one is not, and apps that share a login across
 * subdomains behind the same proxy rely on that. Any other Domain is left alone (the browser decides).
 */
export function publicCookieDomain(cookie: string, hosts: PublicHosts): string {
  const origin = hosts.origin.hostname.toLowerCase();
  return cookie.replace(
    /(;\s*domain\s*=\s*)(\.?)([^;]*?)(\s*(?:;|$))/gi,
    (whole, lead: string, dot: string, domain: string, tail: string) =>
      domain.toLowerCase() === origin ? `${lead}${dot}${hosts.visitor.hostname}${tail}` : whole,
  );
}
