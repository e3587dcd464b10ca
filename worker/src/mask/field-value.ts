import { maskCardDigits } from "./card-numbers.ts";
import { REDACTED, type FieldRule } from "./field-rules.ts";
import type { MaskReport } from "./report.ts";

/** The stored form of a field's value under a rule. An empty value stays empty: nothing was entered. */
export function maskFieldValue(rule: FieldRule, value: string, report: MaskReport, location: string): string {
  if (value === "") return value;
  report.add(rule.id, location);
  return rule.action === "mask-card" ? maskCardDigits(value) : REDACTED;
}
