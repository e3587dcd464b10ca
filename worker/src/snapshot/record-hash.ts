/**
 * The canonical hash of a stored record: SHA-256 over its JSON with object keys sorted (RFC 8785 JCS style;
 * our values are strings, integers, booleans and null, which serialise identically in every JSON library).
 * Body digests are part of the record, so the hash covers the bodies too. A later evidence log chains these.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function recordHash(record: Record<string, unknown>): Promise<string> {
  return sha256Hex(canonicalJson(record));
}
