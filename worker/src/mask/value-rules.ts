import { applyAction } from "./actions.ts";
import { isCardNumber } from "./card-numbers.ts";
import type { MaskContext } from "./context.ts";
import { ibanValid } from "./iban.ts";

/** Checks a value-pattern match must also pass before it counts (the pattern alone over-matches). */
const VALIDATORS = {
  "luhn-card": (match: string) => isCardNumber(match.replace(/[ -]/g, "")),
  iban: ibanValid,
} as const;

/**
 * Cheap substrings each default pattern needs; a body without them skips the regular expression. A page
 * has no card number unless it has four digits in a row, no JWT without "eyJ".
 */
const PREFILTERS: Readonly<Record<string, RegExp>> = {
  "card-number-anywhere": /[0-9]{4}/,
  iban: /[A-Z]{2}[0-9]{2}/,
  jwt: /eyJ/,
  "bearer-token": /Bearer\s/,
};

/** Applies every value-pattern rule (cards, IBANs, JWTs, bearer tokens, custom patterns) to `text`. */
export function maskValues(text: string, ctx: MaskContext, location: string): string {
  let out = text;
  for (const rule of ctx.valueRules) {
    const pattern = rule.value;
    if (!pattern) continue;
    const prefilter = PREFILTERS[rule.id];
    if (prefilter && !prefilter.test(out)) continue;
    const validate = rule.validate ? VALIDATORS[rule.validate] : null;
    pattern.lastIndex = 0;
    out = out.replace(pattern, (match) =>
      validate && !validate(match) ? match : applyAction(rule, match, ctx, location),
    );
  }
  return out;
}
