import { maskCardNumbers } from "./card-numbers.ts";
import { REDACTED } from "./field-rules.ts";
import type { MaskReport } from "./report.ts";
import { maskUrl } from "./url.ts";

/**
 * Header masking rules as data. `redact`: the value is a credential (RFC 9110 §11.6.2 Authorization,
 * §11.7.2 Proxy-Authorization, API keys). `cookie`/`set-cookie`: names are kept (support needs to see that a
 * cookie was sent), values never (RFC 6265 §4). `url`: the header carries a URL whose query may hold tokens.
 */
const HEADER_RULES: Readonly<Record<string, "redact" | "cookie" | "set-cookie" | "url">> = {
  authorization: "redact",
  "proxy-authorization": "redact",
  "x-api-key": "redact",
  "api-key": "redact",
  "x-auth-token": "redact",
  "x-access-token": "redact",
  "x-csrf-token": "redact",
  "x-xsrf-token": "redact",
  "x-amz-security-token": "redact",
  "cf-access-jwt-assertion": "redact",
  "cf-access-client-secret": "redact",
  cookie: "cookie",
  "set-cookie": "set-cookie",
  location: "url",
  referer: "url",
  "content-location": "url",
};

export type HeaderList = Array<[string, string]>;

export function maskHeaders(headers: Headers, report: MaskReport, side: "request" | "response"): HeaderList {
  const out: HeaderList = [];
  for (const [name, value] of headers) {
    if (name === "set-cookie") continue;
    out.push([name, maskHeaderValue(name, value, report, side)]);
  }
  // Headers joins multiple Set-Cookie lines with ", ", which is ambiguous (Expires has a comma); keep them apart.
  for (const line of headers.getSetCookie())
    out.push(["set-cookie", maskHeaderValue("set-cookie", line, report, side)]);
  return out;
}

export function maskHeaderValue(name: string, value: string, report: MaskReport, side: string): string {
  const location = `${side}-header:${name}`;
  switch (HEADER_RULES[name.toLowerCase()]) {
    case "redact":
      report.add("secret-header", location);
      return REDACTED;
    case "cookie":
      return maskCookieHeader(value, report, location);
    case "set-cookie":
      return maskSetCookie(value, report, location);
    case "url":
      return maskUrl(value, report, location);
    default:
      return maskCardNumbers(value, report, location);
  }
}

/** `a=1; b=2` → `a=[REDACTED]; b=[REDACTED]`. */
export function maskCookieHeader(value: string, report: MaskReport, location: string): string {
  const pairs = value.split(";").map((pair) => {
    const eq = pair.indexOf("=");
    if (eq < 0) return pair.trim();
    report.add("cookie-value", location);
    return `${pair.slice(0, eq).trim()}=${REDACTED}`;
  });
  return pairs.join("; ");
}

/** `sid=abc; Path=/; HttpOnly` → `sid=[REDACTED]; Path=/; HttpOnly`: attributes stay, they explain behaviour. */
export function maskSetCookie(line: string, report: MaskReport, location: string): string {
  const semi = line.indexOf(";");
  const first = semi < 0 ? line : line.slice(0, semi);
  const rest = semi < 0 ? "" : line.slice(semi);
  const eq = first.indexOf("=");
  if (eq < 0) return maskCardNumbers(line, report, location);
  report.add("cookie-value", location);
  return `${first.slice(0, eq).trim()}=${REDACTED}${rest}`;
}
