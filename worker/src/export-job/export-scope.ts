import { VerbatimError } from "../errors/verbatim-error.ts";
import { customerToken } from "../mask/keyed-hash.ts";
import { epochFromWallClock, parseZone } from "../read/model/time-zone.ts";
import { parseId } from "../read/query.ts";

/**
 * What one export covers (issue 9): a day (UTC, or the calendar day of a time zone), a session, or a
 * customer (by keyed token: the identifier itself is hashed at once and never stored), optionally only
 * the exchanges whose URL starts with a prefix. Pure: request JSON in, scope out, or a 400 that says why.
 */
export type ExportScope = (
  | { kind: "day"; day: string; zone: string; from: number; to: number }
  | { kind: "session"; session: string }
  | { kind: "customer"; customer: string }
) & { url: string | null };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CUSTOMER_TOKEN = /^\[hash:[0-9a-f]{32}\]$/;
const KEYS = new Set(["day", "timeZone", "session", "customer", "customerToken", "url"]);

function text(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new VerbatimError("bad_query", `${key} must be a string`);
  return value.trim();
}

export function parseExportScope(body: unknown, secret: string): ExportScope {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new VerbatimError("bad_query", "the export request must be a JSON object");
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((k) => !KEYS.has(k));
  if (unknown.length > 0)
    throw new VerbatimError(
      "bad_query",
      `unknown field(s): ${unknown.join(", ")}; use day, session or customer`,
    );
  const url = parseUrlFilter(text(fields, "url"));
  const day = text(fields, "day");
  const session = text(fields, "session");
  const customer = text(fields, "customer");
  const token = text(fields, "customerToken");
  const given = [day, session, customer ?? token].filter((v) => v !== undefined).length;
  if (given !== 1)
    throw new VerbatimError("bad_query", "give exactly one of day, session, customer (or customerToken)");
  if (day !== undefined) return { ...dayScope(day, text(fields, "timeZone")), url };
  if (session !== undefined) return { kind: "session", session: parseId("session", session), url };
  if (customer !== undefined && token !== undefined)
    throw new VerbatimError("bad_query", "give customer or customerToken, not both");
  if (customer !== undefined) {
    if (customer === "") throw new VerbatimError("bad_query", "customer must not be empty");
    return { kind: "customer", customer: customerToken(secret, customer), url };
  }
  if (!token || !CUSTOMER_TOKEN.test(token))
    throw new VerbatimError("bad_query", "customerToken must look like [hash:<32 hex digits>]");
  return { kind: "customer", customer: token, url };
}

function dayScope(day: string, zoneText: string | undefined): Extract<ExportScope, { kind: "day" }> {
  if (!DAY.test(day))
    throw new VerbatimError("bad_query", `day must be YYYY-MM-DD, got "${day.slice(0, 40)}"`);
  const zone = parseZone(zoneText);
  const from = epochFromWallClock(day, zone);
  if (from === null) throw new VerbatimError("bad_query", `${day} is not a calendar day`);
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const to = epochFromWallClock(next, zone);
  if (to === null) throw new VerbatimError("bad_query", `${day} is not a calendar day`);
  return { kind: "day", day, zone: zone.id, from, to, url: null };
}

function parseUrlFilter(raw: string | undefined): string | null {
  if (raw === undefined || raw === "") return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new VerbatimError(
      "bad_query",
      "url must be an absolute URL prefix (https://shop.example/checkout)",
    );
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    throw new VerbatimError("bad_query", "url must be an http(s) URL prefix");
  return raw;
}

/** Whether an exchange falls in the scope's time window and URL filter (a session or customer: all of it). */
export function inScope(scope: ExportScope, exchange: { started_at: number; url: string }): boolean {
  if (scope.kind === "day" && (exchange.started_at < scope.from || exchange.started_at >= scope.to))
    return false;
  return scope.url === null || exchange.url.startsWith(scope.url);
}

/** A short file-name-safe label: "day-2026-11-28", "session-<id>", "customer-<hex>". */
export function scopeLabel(scope: ExportScope): string {
  if (scope.kind === "day")
    return `day-${scope.day}${scope.zone === "UTC" ? "" : `-${scope.zone.replace(/[^A-Za-z0-9]+/g, "_")}`}`;
  if (scope.kind === "session") return `session-${scope.session}`;
  return `customer-${scope.customer.slice(6, 22)}`;
}

/**
 * A scope as the exports table stores it (written by this file's parse, read back here): checked field by
 * field, so a row edited or written by an older version reads as "unreadable", never as a wrong scope.
 */
const UNREADABLE = { kind: "unreadable", url: null } as const;

export type StoredScope = ExportScope | { kind: "unreadable"; url: null };

export function storedScope(text: string): StoredScope {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return UNREADABLE;
  }
  if (typeof value !== "object" || value === null) return UNREADABLE;
  const v = value as Record<string, unknown>;
  const url = v["url"] === null || typeof v["url"] === "string" ? (v["url"] as string | null) : undefined;
  if (url === undefined) return UNREADABLE;
  const str = (key: string) => (typeof v[key] === "string" ? (v[key] as string) : null);
  const num = (key: string) => (typeof v[key] === "number" ? (v[key] as number) : null);
  if (v["kind"] === "day") {
    const [day, zone, from, to] = [str("day"), str("zone"), num("from"), num("to")];
    return day && zone && from !== null && to !== null
      ? { kind: "day", day, zone, from, to, url }
      : UNREADABLE;
  }
  const session = str("session");
  if (v["kind"] === "session" && session) return { kind: "session", session, url };
  const customer = str("customer");
  if (v["kind"] === "customer" && customer) return { kind: "customer", customer, url };
  return UNREADABLE;
}
