import { findingForField, type MaskFinding } from "./mask-findings.ts";

/**
 * The fields of a stored (already masked) request body, for the timeline: what the customer submitted as
 * the archive holds it, with the rule that masked each masked field. Only forms and JSON objects are read;
 * other bodies are linked, not shown.
 */
export type RequestField = { name: string; value: string; maskedBy: string | null };

/** Bodies larger than this are linked from the timeline rather than opened. */
export const FIELD_BODY_LIMIT = 64 * 1024;
const VALUE_CHARS = 120;

const READERS: ReadonlyArray<readonly [RegExp, (text: string) => Array<[string, string]> | null]> = [
  [/^application\/x-www-form-urlencoded\b/i, (text) => [...new URLSearchParams(text)]],
  [/^application\/(.+\+)?json\b/i, jsonFields],
];

export function hasReadableFields(requestType: string | null): boolean {
  return READERS.some(([pattern]) => pattern.test(requestType ?? ""));
}

export function requestFields(
  bytes: Uint8Array,
  requestType: string | null,
  findings: readonly MaskFinding[],
): RequestField[] | null {
  const reader = READERS.find(([pattern]) => pattern.test(requestType ?? ""))?.[1];
  if (!reader) return null;
  const pairs = reader(new TextDecoder().decode(bytes));
  if (!pairs) return null;
  return pairs.map(([name, value]) => ({
    name,
    value: value.length > VALUE_CHARS ? `${value.slice(0, VALUE_CHARS)}…` : value,
    maskedBy: findingForField(findings, name)?.rule ?? null,
  }));
}

function jsonFields(text: string): Array<[string, string]> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  return Object.entries(value as Record<string, unknown>).map(([name, v]) => [
    name,
    typeof v === "string" ? v : JSON.stringify(v),
  ]);
}
