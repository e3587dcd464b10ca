import { applyAction, REDACTED } from "./actions.ts";
import type { MaskContext } from "./context.ts";
import { maskUrl } from "./url.ts";
import { maskValues } from "./value-rules.ts";

/**
 * Headers. Credential headers come from the policy's `header` rules (Authorization, API keys, ...). Cookies
 * are structural: names are kept (support needs to see that a cookie was sent), values never (RFC 6265 §4).
 * Headers that carry URLs are masked as URLs; every other value gets the value rules.
 */
const URL_HEADERS: ReadonlySet<string> = new Set(["location", "referer", "content-location", "link"]);

export type HeaderList = Array<[string, string]>;

export function maskHeaders(headers: Headers, ctx: MaskContext, side: "request" | "response"): HeaderList {
  const out: HeaderList = [];
  for (const [name, value] of headers) {
    if (name === "set-cookie") continue;
    out.push([name, maskHeaderValue(name, value, ctx, side)]);
  }
  // Headers joins multiple Set-Cookie lines with ", ", which is ambiguous (Expires has a comma); keep them apart.
  for (const line of headers.getSetCookie())
    out.push(["set-cookie", maskHeaderValue("set-cookie", line, ctx, side)]);
  return out;
}

export function maskHeaderValue(name: string, value: string, ctx: MaskContext, side: string): string {
  const lower = name.toLowerCase();
  const location = `${side}-header:${lower}`;
  if (lower === "cookie") return maskCookieHeader(value, ctx, location);
  if (lower === "set-cookie") return maskSetCookie(value, ctx, location);
  // A header rule names it, or its name reads like a secret field (x-session-token, x-client-secret).
  const rule = ctx.headerRule(lower) ?? ctx.fieldRule(lower, "header");
  if (rule) return applyAction(rule, value, ctx, location);
  if (URL_HEADERS.has(lower)) return maskUrl(value, ctx, location);
  return maskValues(value, ctx, location);
}

/** `a=1; b=2` → `a=[REDACTED]; b=[REDACTED]`. */
export function maskCookieHeader(value: string, ctx: MaskContext, location: string): string {
  return value
    .split(";")
    .map((pair) => {
      const eq = pair.indexOf("=");
      if (eq < 0) return pair.trim();
      // No commitment: a cookie value is a session identifier, which no dispute needs proven.
      ctx.add("cookie-value", location);
      return `${pair.slice(0, eq).trim()}=${REDACTED}`;
    })
    .join("; ");
}

/** `sid=abc; Path=/; HttpOnly` → `sid=[REDACTED]; Path=/; HttpOnly`: attributes stay, they explain behaviour. */
export function maskSetCookie(line: string, ctx: MaskContext, location: string): string {
  const semi = line.indexOf(";");
  const first = semi < 0 ? line : line.slice(0, semi);
  const rest = semi < 0 ? "" : line.slice(semi);
  const eq = first.indexOf("=");
  if (eq < 0) return maskValues(line, ctx, location);
  ctx.add("cookie-value", location);
  return `${first.slice(0, eq).trim()}=${REDACTED}${maskValues(rest, ctx, location)}`;
}
