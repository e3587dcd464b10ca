import { maskCardDigits } from "./card-numbers.ts";
import { REDACTED, type FieldRule } from "./field-rules.ts";
import { keyedToken } from "./keyed-hash.ts";
import type { MaskReport } from "./report.ts";

/** The stored form of a field's value under a rule. An empty value stays empty: nothing was entered. */
export function maskFieldValue(rule: FieldRule, value: string, report: MaskReport, location: string): string {
  if (value === "") return value;
  report.add(rule.id, location);
  switch (rule.action) {
    case "mask-card":
      return maskCardDigits(value);
    case "hash": {
      // Without a key a token could be reversed by guessing: redact instead.
      if (report.secret === null) return REDACTED;
      const token = keyedToken(report.secret, rule.customer ? "customer" : rule.id, value);
      if (rule.customer) report.customerTokens.add(token);
      return token;
    }
    case "redact":
      return REDACTED;
  }
}
