import { REDACTED } from "./actions.ts";
import type { MaskContext } from "./context.ts";
import { maskUrlEncoded } from "./form-urlencoded.ts";
import { maskValues } from "./value-rules.ts";

/**
 * URLs are stored in D1 index rows and headers, so they are masked like bodies: userinfo passwords go,
 * query parameters that carry credentials are redacted, value patterns (cards in a path) are masked.
 * Relative URLs (Location: /next?token=...) work too.
 */
export function maskUrl(url: string, ctx: MaskContext, location: string): string {
  const hashAt = url.indexOf("#");
  const withoutHash = hashAt < 0 ? url : url.slice(0, hashAt);
  const fragment = hashAt < 0 ? "" : url.slice(hashAt);
  const queryAt = withoutHash.indexOf("?");
  let base = queryAt < 0 ? withoutHash : withoutHash.slice(0, queryAt);
  const query = queryAt < 0 ? null : withoutHash.slice(queryAt + 1);

  base = base.replace(
    /^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):([^/@]*)@/i,
    (_all, user: string, password: string) => {
      ctx.add("url-password", location, password);
      return `${user}:${REDACTED}@`;
    },
  );
  base = maskValues(base, ctx, location, { decoding: "url", escape: encodeURIComponent });
  const maskedQuery = query === null ? "" : `?${maskUrlEncoded(query, ctx, `${location}:query`, "query")}`;
  // Fragments can carry OAuth implicit-flow tokens (#access_token=...).
  const maskedFragment = fragment.includes("=")
    ? `#${maskUrlEncoded(fragment.slice(1), ctx, `${location}:fragment`, "query")}`
    : fragment;
  return base + maskedQuery + maskedFragment;
}
