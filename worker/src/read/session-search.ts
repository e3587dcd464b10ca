import { VerbatimError } from "../errors/verbatim-error.ts";
import { customerToken } from "../mask/keyed-hash.ts";
import { cookieKey } from "../recorder/session-keys.ts";
import type { SessionFilter } from "../store/archive-reader.ts";
import { decodeCursor, parseEnum, parseFlag, parseId, parseLimit, parseTime } from "./query.ts";

export const DEVICES = ["desktop", "mobile", "tablet", "bot", "unknown"] as const;

const CUSTOMER_TOKEN = /^\[hash:[0-9a-f]{32}\]$/;

/**
 * The session search both the API (`GET /sessions`) and the console's search form use, so both accept and
 * refuse exactly the same things. `secret` is null when the recorder is misconfigured: searches that need a
 * keyed hash then fail clearly rather than match nothing.
 */
export async function parseSessionSearch(
  q: Readonly<Record<string, string | undefined>>,
  secret: string | null,
  now: number,
  defaultLimit = 50,
): Promise<{ filter: SessionFilter; limit: number }> {
  const to = parseTime("to", q.to, now);
  const from = parseTime("from", q.from, 0);
  if (from > to) throw new VerbatimError("bad_query", "from must not be after to");
  const limit = parseLimit(q.limit, defaultLimit);
  const cursor = decodeCursor(q.cursor, ["number", "string"]);
  const filter: SessionFilter = {
    from,
    to,
    sessionId: q.session ? parseId("session", q.session.trim()) : null,
    keyHash: q.cookie === undefined || q.cookie === "" ? null : await cookieHash(q.cookie, secret),
    customerToken: customerTokenOf(q, secret),
    device: parseEnum("device", q.device, DEVICES),
    withErrors: parseFlag("errors", q.errors),
    urlContains: q.url && q.url.length > 0 ? q.url : null,
    userAgentContains: q.ua && q.ua.trim().length > 0 ? q.ua.trim() : null,
    after: cursor ? { lastSeen: cursor[0] as number, id: cursor[1] as string } : null,
    limit: limit + 1,
  };
  return { filter, limit };
}

/** Search by the cookie as the customer's browser holds it: hashed here, compared with stored hashes. */
async function cookieHash(raw: string, secret: string | null): Promise<string> {
  const eq = raw.indexOf("=");
  if (eq <= 0)
    throw new VerbatimError("bad_query", 'cookie must be "name=value", e.g. cookie=shop.sid%3Dabc');
  return cookieKey(needSecret(secret), { name: raw.slice(0, eq).trim(), value: raw.slice(eq + 1).trim() });
}

/**
 * `customer` is what the customer tells support (username, email): hashed with the recorder's key, never
 * stored. `customer_token` is that hash, which the console puts in its URLs instead of the identifier.
 */
export function customerTokenOf(
  q: Readonly<Record<string, string | undefined>>,
  secret: string | null,
): string | null {
  if (q.customer !== undefined) {
    if (q.customer.trim() === "") throw new VerbatimError("bad_query", "customer must not be empty");
    return customerToken(needSecret(secret), q.customer);
  }
  if (q.customer_token === undefined || q.customer_token === "") return null;
  if (!CUSTOMER_TOKEN.test(q.customer_token))
    throw new VerbatimError("bad_query", "customer_token must look like [hash:<32 hex digits>]");
  return q.customer_token;
}

function needSecret(secret: string | null): string {
  if (secret === null)
    throw new VerbatimError("storage_unavailable", "recorder is misconfigured; see /__verbatim/api/health");
  return secret;
}
