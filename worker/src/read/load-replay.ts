import { readStores } from "../store/record-reader.ts";
import type { Env } from "../env.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import type { Config } from "../config/config.ts";
import { entryUrl } from "../replay/replay-access.ts";
import { ENTRY_TTL_MS, mintReplayGrant } from "../replay/replay-grant.ts";
import { ArchiveReader } from "../store/archive-reader.ts";
import { R2BlobStore } from "../store/blob-store.ts";
import { ConsoleReader, type PageViewLink, type ReplayEventRow } from "../store/console-reader.ts";
import type { ExchangeRow, SessionRow } from "../record/rows.ts";
import { checkIntegrity, type Integrity } from "./model/integrity.ts";

export const REPLAY_EVENT_LIMIT = 200;

export type ReplayFrame = {
  exchange: ExchangeRow;
  session: SessionRow | null;
  /** The frame's URL: the page view's replay origin, entered with a grant for this viewer (ENTRY_TTL_MS). */
  replayUrl: string;
  integrity: Integrity;
  previous: PageViewLink | null;
  next: PageViewLink | null;
  events: ReplayEventRow[];
};

/**
 * Everything around one replayed page view: one D1 read for the exchange, then its session, neighbours,
 * replay events and the integrity check (R2) in parallel. `viewer` is the principal's id: the frame's URL
 * carries a replay grant for that viewer and this session only (replay/replay-grant.ts).
 */
export async function loadReplayFrame(
  env: Env,
  exchangeId: string,
  consoleUrl: string,
  config: Pick<Config, "replayHost" | "secret">,
  viewer: string,
): Promise<ReplayFrame> {
  const { replayHost, secret } = config;
  if (secret === "")
    throw new VerbatimError("internal", "replay needs VERBATIM_SECRET to grant access to a replay");
  const exchange = await new ArchiveReader(readStores(env)).getExchange(exchangeId);
  if (!exchange) throw new VerbatimError("not_found", `no exchange ${exchangeId}`);
  if (exchange.page_view !== 1)
    throw new VerbatimError(
      "not_found",
      `exchange ${exchangeId} is not a page view; replays start from the page views of session ${exchange.session_id}`,
    );
  const reader = new ConsoleReader(readStores(env));
  const [session, neighbours, events, integrity, grant] = await Promise.all([
    new ArchiveReader(readStores(env)).getSession(exchange.session_id),
    reader.neighbourPageViews(exchange),
    reader.replayEvents(exchange.session_id, exchange.id, REPLAY_EVENT_LIMIT),
    checkIntegrity(exchange, new R2BlobStore(env.BLOBS)),
    mintReplayGrant(secret, { sessionId: exchange.session_id, viewer, now: Date.now(), ttlMs: ENTRY_TTL_MS }),
  ]);
  const page = new URL(exchange.url);
  return {
    exchange,
    session,
    replayUrl: entryUrl(
      { sessionId: exchange.session_id, pageViewId: exchange.id },
      page.pathname + page.search,
      grant,
      consoleUrl,
      replayHost,
    ),
    integrity,
    previous: neighbours.previous,
    next: neighbours.next,
    events,
  };
}
