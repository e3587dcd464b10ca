/**
 * Small readers for the JSON an export holds: everything read from the file is `unknown` until one of these
 * has checked its shape, so a malformed field is a named failure, never a crash deeper in the verifier.
 */
export type JsonObject = { readonly [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export const HEX_64 = /^[0-9a-f]{64}$/;
export const SHA256_PREFIXED = /^sha256:([0-9a-f]{64})$/;

export function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
