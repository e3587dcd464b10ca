import { applyAction } from "./actions.ts";
import type { MaskContext } from "./context.ts";
import type { FieldScope } from "./policy/types.ts";
import { maskValues } from "./value-rules.ts";

/**
 * `application/x-www-form-urlencoded` bodies and query strings (WHATWG URL §5). Pairs are decoded to find
 * secrets (a card typed as "4242+4242+..." only looks like one once decoded); pairs that need no change are
 * kept byte for byte, changed values are re-encoded.
 */
export function maskUrlEncoded(
  text: string,
  ctx: MaskContext,
  location: string,
  scope: FieldScope = "form",
): string {
  if (text === "") return text;
  return text
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      if (eq < 0) {
        const masked = maskValues(decode(pair), ctx, location);
        return masked === decode(pair) ? pair : encodeURIComponent(masked);
      }
      const rawName = pair.slice(0, eq);
      const name = decode(rawName);
      const value = decode(pair.slice(eq + 1));
      const rule = ctx.fieldRule(name, scope);
      const at = `${location}:${name}`;
      const masked = rule ? applyAction(rule, value, ctx, at) : maskValues(value, ctx, at);
      const maskedName = maskValues(name, ctx, at);
      if (masked === value && maskedName === name) return pair;
      return `${maskedName === name ? rawName : encodeURIComponent(maskedName)}=${encodeURIComponent(masked)}`;
    })
    .join("&");
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    // Malformed percent-encoding: match on the raw text rather than skip the pair.
    return raw.replace(/\+/g, " ");
  }
}
