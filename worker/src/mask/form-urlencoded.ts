import { maskCardNumbers } from "./card-numbers.ts";
import { ruleForField, type FieldRule } from "./field-rules.ts";
import { maskFieldValue } from "./field-value.ts";
import type { MaskReport } from "./report.ts";

/**
 * `application/x-www-form-urlencoded` bodies and query strings (WHATWG URL §5). Pairs are decoded to find
 * secrets (a card typed as "4242+4242+..." only looks like one once decoded); pairs that need no change are
 * kept byte for byte, changed values are re-encoded.
 */
export function maskUrlEncoded(
  text: string,
  report: MaskReport,
  location: string,
  extraRule: FieldRule | null = null,
): string {
  if (text === "") return text;
  return text
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      if (eq < 0) return pair;
      const rawName = pair.slice(0, eq);
      const rawValue = pair.slice(eq + 1);
      const name = decode(rawName);
      const value = decode(rawValue);
      const rule = ruleForField(name) ?? (extraRule && ruleMatches(extraRule, name) ? extraRule : null);
      const masked = rule
        ? maskFieldValue(rule, value, report, `${location}:${name}`)
        : maskCardNumbers(value, report, `${location}:${name}`);
      return masked === value ? pair : `${rawName}=${encodeURIComponent(masked)}`;
    })
    .join("&");
}

function ruleMatches(rule: FieldRule, name: string): boolean {
  const normalised = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  return rule.exact?.includes(normalised) ?? false;
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    // Malformed percent-encoding: match on the raw text rather than skip the pair.
    return raw.replace(/\+/g, " ");
  }
}
