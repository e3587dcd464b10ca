import { maskCardNumbers } from "./card-numbers.ts";
import { REDACTED, QUERY_ONLY_RULE } from "./field-rules.ts";
import { maskUrlEncoded } from "./form-urlencoded.ts";
import type { MaskReport } from "./report.ts";

/**
 * URLs are stored in D1 index rows and headers, so they are masked like bodies: userinfo passwords go,
 * query parameters that carry credentials (FIELD_RULES plus OAuth `code`, `state`, signatures) are
 * redacted, card numbers in the path are masked. Relative URLs (Location: /next?token=...) work too.
 */
export function maskUrl(url: string, report: MaskReport, location: string): string {
  const hashAt = url.indexOf("#");
  const withoutHash = hashAt < 0 ? url : url.slice(0, hashAt);
  const fragment = hashAt < 0 ? "" : url.slice(hashAt);
  const queryAt = withoutHash.indexOf("?");
  let base = queryAt < 0 ? withoutHash : withoutHash.slice(0, queryAt);
  const query = queryAt < 0 ? null : withoutHash.slice(queryAt + 1);

  base = base.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, (_all, user: string) => {
    report.add("url-password", location);
    return `${user}:${REDACTED}@`;
  });
  base = maskCardNumbers(base, report, location);
  const maskedQuery =
    query === null ? "" : `?${maskUrlEncoded(query, report, `${location}:query`, QUERY_ONLY_RULE)}`;
  // Fragments can carry OAuth implicit-flow tokens (#access_token=...).
  const maskedFragment = fragment.includes("=")
    ? `#${maskUrlEncoded(fragment.slice(1), report, `${location}:fragment`, QUERY_ONLY_RULE)}`
    : fragment;
  return base + maskedQuery + maskedFragment;
}
