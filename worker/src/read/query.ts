import { VerbatimError } from "../errors/verbatim-error.ts";

/** Query-string parsing for the admin API: every bad value is a 400 that names the parameter and the rule. */
export function parseLimit(raw: string | undefined, fallback = 50, max = 200): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new VerbatimError("bad_query", `limit must be a whole number from 1 to ${max}, got "${raw}"`);
  }
  return value;
}

/** Accepts ISO-8601 (with a zone, or UTC assumed) or epoch milliseconds. */
export function parseTime(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  if (/^\d{1,16}$/.test(raw)) return Number(raw);
  const iso = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw) ? raw : null;
  const value = iso ? Date.parse(/T/.test(iso) && !/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? `${iso}Z` : iso) : NaN;
  if (Number.isNaN(value)) {
    throw new VerbatimError(
      "bad_query",
      `${name} must be an ISO-8601 time (2026-11-23T10:00:00Z) or epoch milliseconds, got "${raw}"`,
    );
  }
  return value;
}

export function parseFlag(name: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === "" || raw === "false" || raw === "0") return false;
  if (raw === "true" || raw === "1") return true;
  throw new VerbatimError("bad_query", `${name} must be true or false, got "${raw}"`);
}

export function parseEnum<T extends string>(
  name: string,
  raw: string | undefined,
  allowed: readonly T[],
): T | null {
  if (raw === undefined || raw === "") return null;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new VerbatimError("bad_query", `${name} must be one of ${allowed.join(", ")}, got "${raw}"`);
}

/** Ids are hex or Crockford base32; anything else cannot exist, so it is a clear 400 rather than a lookup. */
export function parseId(name: string, raw: string): string {
  if (!/^[0-9A-Za-z]{16,64}$/.test(raw))
    throw new VerbatimError("bad_query", `${name} is not a valid id: "${raw.slice(0, 80)}"`);
  return raw;
}

/** Opaque cursors: base64url of a JSON tuple, validated on the way back in. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return btoa(JSON.stringify(values)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(
  raw: string | undefined,
  shape: readonly ("string" | "number")[],
): (string | number)[] | null {
  if (raw === undefined || raw === "") return null;
  try {
    const values: unknown = JSON.parse(atob(raw.replace(/-/g, "+").replace(/_/g, "/")));
    if (
      Array.isArray(values) &&
      values.length === shape.length &&
      values.every((v, i) => typeof v === shape[i])
    ) {
      return values as (string | number)[];
    }
  } catch {
    // fall through to the error below
  }
  throw new VerbatimError("bad_query", "cursor is not one this API issued; start again without it");
}
