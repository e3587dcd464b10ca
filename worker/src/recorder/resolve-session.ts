import type { Config } from "../config/config.ts";
import type { ArchiveIndex } from "../store/archive-index.ts";
import type { SessionKeyRow } from "../store/rows.ts";
import type { PendingExchange } from "./pending-exchange.ts";
import { cookieKey, sessionCookiesOf, sessionIdFromKey } from "./session-keys.ts";

/**
 * Finds the session an exchange belongs to. A cookie already mapped to a session wins (in priority order);
 * otherwise the first cookie's key names a new session. Every cookie of the exchange, including session
 * cookies the origin issues in this response, is then mapped to that session.
 */
export async function resolveSession(
  pending: PendingExchange,
  config: Config,
  index: ArchiveIndex,
): Promise<{ id: string; keys: SessionKeyRow[] }> {
  const cookies = sessionCookiesOf(
    pending.request.headers.get("cookie"),
    pending.response.headers.getSetCookie(),
    config.sessionCookies,
    pending.newRecorderCookie,
  );
  const all = [...cookies.request, ...cookies.issued];
  const hashes = await Promise.all(all.map((cookie) => cookieKey(config.secret, cookie)));
  const requestHashes = hashes.slice(0, cookies.request.length);

  let id: string | null = null;
  if (requestHashes.length > 0) {
    const known = await index.sessionsForKeys(requestHashes);
    for (const hash of requestHashes) {
      const found = known.get(hash);
      if (found) {
        id = found;
        break;
      }
    }
  }
  const first = hashes[0];
  // Without any cookie (a client that refuses them) each exchange is its own session.
  const sessionId = id ?? (first ? sessionIdFromKey(first) : pending.id.toLowerCase());
  const keys = all.map((cookie, i) => ({
    key_hash: hashes[i] ?? "",
    session_id: sessionId,
    cookie_name: cookie.name,
    first_seen: pending.startedAt,
  }));
  return { id: sessionId, keys };
}
