import { applyAction } from "./actions.ts";
import type { MaskContext } from "./context.ts";
import { declaredFieldRule } from "./forms.ts";
import type { FieldScope } from "./policy/types.ts";
import { maskValues } from "./value-rules.ts";

/**
 * `application/x-www-form-urlencoded` bodies and query strings (WHATWG URL §5). A field's rule comes from
 * the form that posted it when its page was seen (`type=password` whatever the name), else from its name
 * (bracketed and dotted names read by their parts). Other values go through the value rules over their
 * percent-decoded view, so a card typed as "4242+4242+…" or "%34%32…" is found and only its digits change.
 * Pairs that need no change are kept byte for byte; values a rule replaces are re-encoded.
 */
export function maskUrlEncoded(
  text: string,
  ctx: MaskContext,
  location: string,
  scope: FieldScope = "form",
): string {
  if (text === "") return text;
  const form = scope === "form" ? ctx.declaredForm : null;
  return text
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      const rawValue = eq < 0 ? null : pair.slice(eq + 1);
      const name = decode(rawName);
      const at = `${location}:${name}`;
      const maskedName = maskValues(rawName, ctx, at, {
        decoding: "url",
        binary: true,
        escape: encodeURIComponent,
      });
      if (rawValue === null) return maskedName;
      const rule = (form ? declaredFieldRule(ctx, form, name) : null) ?? ctx.fieldRule(name, scope);
      const maskedValue = rule
        ? rawValue === ""
          ? ""
          : encodeURIComponent(applyAction(rule, decode(rawValue), ctx, at))
        : maskValues(rawValue, ctx, at, { decoding: "url", binary: true, escape: encodeURIComponent });
      return `${maskedName}=${maskedValue}`;
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
