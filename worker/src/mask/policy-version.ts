import { AUTOCOMPLETE_RULES, FIELD_RULES, INPUT_TYPE_RULES, QUERY_ONLY_RULE } from "./field-rules.ts";

/**
 * The version every exchange records: a hash of the rule tables it was masked with, so a stored record
 * says exactly which policy produced it, and a policy change is visible in the data.
 */
let cached: Promise<string> | null = null;

export function policyVersion(): Promise<string> {
  cached ??= (async () => {
    const canonical = JSON.stringify({ FIELD_RULES, QUERY_ONLY_RULE, AUTOCOMPLETE_RULES, INPUT_TYPE_RULES });
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical));
    return `default-${Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("")}`;
  })();
  return cached;
}
