import { readStores } from "../store/record-reader.ts";
import type { Env } from "../env.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { replayUrl } from "../replay/replay-host.ts";
import { ArchiveReader } from "../store/archive-reader.ts";
import { R2BlobStore } from "../store/blob-store.ts";
import { ConsoleReader, type PageViewLink, type ReplayEventRow } from "../store/console-reader.ts";
import type { ExchangeRow, SessionRow } from "../record/rows.ts";
import { checkIntegrity, type Integrity } from "./model/integrity.ts";

export const REPLAY_EVENT_LIMIT = 200;

export type ReplayFrame = {
  exchange: ExchangeRow;
  session: SessionRow | null;
  replayUrl: string;
  integrity: Integrity;
  previous: PageViewLink | null;
  next: PageViewLink | null;
  events: ReplayEventRow[];
};

/**
 * Everything around one replayed page view: one D1 read for the exchange, then its session, neighbours,
 * replay events and the integrity check (R2) in parallel.
 */
export async function loadReplayFrame(
  env: Env,
  exchangeId: string,
  consoleUrl: string,
  replayHost: string,
): Promise<ReplayFrame> {
  const exchange = await new ArchiveReader(readStores(env)).getExchange(exchangeId);
  if (!exchange) throw new VerbatimError("not_found", `no exchange ${exchangeId}`);
  if (exchange.page_view !== 1)
    throw new VerbatimError(
      "not_found",
      `exchange ${exchangeId} is not a page view; replays start from the page views of session ${exchange.session_id}`,
    );
  const reader = new ConsoleReader(readStores(env));
  const [session, neighbours, events, integrity] = await Promise.all([
    new ArchiveReader(readStores(env)).getSession(exchange.session_id),
    reader.neighbourPageViews(exchange),
    reader.replayEvents(exchange.session_id, exchange.id, REPLAY_EVENT_LIMIT),
    checkIntegrity(exchange, new R2BlobStore(env.BLOBS)),
  ]);
  return {
    exchange,
    session,
    replayUrl: replayUrl(
      { sessionId: exchange.session_id, pageViewId: exchange.id },
      exchange.url,
      consoleUrl,
      replayHost,
    ),
    integrity,
    previous: neighbours.previous,
    next: neighbours.next,
    events,
  };
}
