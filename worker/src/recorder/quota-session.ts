import type { PendingExchange } from "../capture/pending-exchange.ts";
import type { Config } from "../config/config.ts";
import { cookieKey, sessionCookiesOf, sessionIdFromKey } from "./session-keys.ts";

/**
 * The session an exchange's bytes count against (session-quota.ts), known before anything is read or
 * stored: the id a new session gets from the visit's naming cookie (the verified recorder cookie, else the
 * origin's first session cookie), which is the archive's session id for every visit named by that cookie.
 * resolve-session.ts is not asked: it maps the exchange's cookies as a side effect, which must happen once,
 * when the exchange is recorded.
 *
 * Null without such a cookie: each exchange is then a session of its own, and the client's RECORD_LIMIT
 * (client-limit.ts) is what bounds it. A visit whose origin cookie rotates (a sign-in) without a recorder
 * cookie counts under each value apart.
 */
export async function quotaSessionOf(
  pending: PendingExchange,
  config: Pick<Config, "secret" | "sessionCookies">,
): Promise<string | null> {
  const [naming] = sessionCookiesOf(
    pending.request.headers.get("cookie"),
    [],
    config.sessionCookies,
    pending.recorderCookie,
  ).request;
  return naming ? sessionIdFromKey(await cookieKey(config.secret, naming)) : null;
}
