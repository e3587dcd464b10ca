import { errorKind, log } from "../log/log.ts";

/**
 * Whether one more exchange of this client may be recorded now: RECORD_LIMIT (the Workers rate-limiting
 * binding, wrangler.toml) counts each exchange against the client's network as the recorder keeps it
 * (IP_TRUNCATE, e.g. 203.0.113.0/24), so one client cannot fill the archive however many sessions it makes up:
 * a client that refuses cookies starts a session with every request.
 *
 * Asked in the recording shard, never on the visitor's isolate, and every doubt records: no binding (not
 * configured), no client address (Cloudflare's edge sets CF-Connecting-IP on every request, so only a Worker
 * called without the edge has none: there is no client to count), or a limiter that fails.
 */
export async function clientMayRecord(
  limiter: RateLimit | undefined,
  network: string | null,
): Promise<boolean> {
  if (!limiter || network === null) return true;
  try {
    return (await limiter.limit({ key: network })).success;
  } catch (error) {
    log("warn", "record_limit_unavailable", { kind: errorKind(error) });
    return true;
  }
}
