import type { Config } from "../config/config.ts";
import type { ArchiveIndex } from "../store/archive-index.ts";
import type { SessionKeyRow } from "../record/rows.ts";
import type { PendingExchange } from "../capture/pending-exchange.ts";
import { Lru } from "../util/lru.ts";
import { noteFailure } from "../log/health-counters.ts";
import { randomSessionId } from "../snapshot/ids.ts";
import { cookieKey, sessionCookiesOf, sessionIdFromKey } from "./session-keys.ts";

/**
 * Cookie key → session id, as stored in session_keys. Most exchanges of a visit reach the same isolate, so
 * this saves a D1 read per exchange; a miss falls back to D1.
 */
const sessionOfKey = new Lru<string, string>(20_000);
/** Cookie → its keyed hash: one HMAC per cookie value per isolate instead of one per exchange. */
const keyOfCookie = new Lru<string, Promise<string>>(20_000);

function hashCookie(secret: string, cookie: { name: string; value: string }): Promise<string> {
  const id = `${cookie.name}=${cookie.value}`;
  let hash = keyOfCookie.get(id);
  if (!hash) {
    hash = cookieKey(secret, cookie);
    keyOfCookie.set(id, hash);
  }
  return hash;
}

/** Mappings written in a batch that committed. */
export function rememberSessionKeys(keys: readonly SessionKeyRow[]): void {
  for (const key of keys) sessionOfKey.set(key.key_hash, key.session_id);
}

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
    pending.recorderCookie,
  );
  const all = [...cookies.request, ...cookies.issued];
  const hashes = await Promise.all(all.map((cookie) => hashCookie(config.secret, cookie)));
  const requestHashes = hashes.slice(0, cookies.request.length);

  let id: string | null = null;
  const firstCached = requestHashes[0] === undefined ? undefined : sessionOfKey.get(requestHashes[0]);
  // A recorder cookie minted for this very response names a session nobody has seen: nothing to look up.
  const brandNew = pending.newRecorderCookie !== null && requestHashes.length === 1;
  if (firstCached) id = firstCached;
  else if (requestHashes.length > 0 && !brandNew) {
    const known = await index.sessionsForKeys(requestHashes).catch(async (error: unknown) => {
      // The index cannot say which session these cookies joined: the first cookie names it, which is
      // right unless the visit's first cookie was rotated away. Recording goes on; the failure is counted.
      await noteFailure("d1", error, pending.id, null);
      return new Map<string, string>();
    });
    for (const [hash, session] of known) sessionOfKey.set(hash, session);
    for (const hash of requestHashes) {
      const found = known.get(hash) ?? sessionOfKey.get(hash);
      if (found) {
        id = found;
        break;
      }
    }
  }
  const first = hashes[0];
  // Without any cookie (a client that refuses them) each exchange is its own session.
  const sessionId = id ?? (first ? sessionIdFromKey(first) : randomSessionId());
  const keys = all
    .map((cookie, i) => ({
      key_hash: hashes[i] ?? "",
      session_id: sessionId,
      cookie_name: cookie.name,
      first_seen: pending.startedAt,
    }))
    // Mappings this isolate wrote or read already need no statement in the batch, and the key that named the
    // session needs none at all: the session id is its prefix (ArchiveIndex.sessionsForKeys reads it back).
    .filter(
      (key) => sessionOfKey.get(key.key_hash) !== sessionId && sessionIdFromKey(key.key_hash) !== sessionId,
    );
  for (const hash of hashes) sessionOfKey.set(hash, sessionId);
  return { id: sessionId, keys };
}
