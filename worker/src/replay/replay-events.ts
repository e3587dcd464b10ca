import type { Env } from "../env.ts";
import { ConsoleReader } from "../store/console-reader.ts";
import type { ReadStores } from "../store/record-reader.ts";
import type { ReplayEventRow } from "../store/replay-reader.ts";
import { ReplayReader } from "../store/replay-reader.ts";
import type { ReplayTarget } from "./replay-host.ts";
import type { VerifiedGrant } from "./replay-grant.ts";

/**
 * Replay events (CSP reports, "not recorded") are written by requests from the replayed page, which runs the
 * recorded scripts: only a browser holding a grant gets here, and what it can write is bounded twice. A rate
 * limit per grant (EVENT_LIMIT, keyed by session and viewer, so a new page view does not reset it), and a
 * cap per page view: the console lists at most REPLAY_EVENT_LIMIT of them, so rows past the cap are noise.
 */
export const MAX_EVENTS_PER_PAGE_VIEW = 200;

export type ReplayEvent = Omit<ReplayEventRow, "id">;

/** The rate-limit key of a grant: the session and the viewer (hashed), never the viewer's identity. */
export function eventLimitKey(target: ReplayTarget, grant: VerifiedGrant): string {
  return `${target.sessionId}:${grant.viewerHash}`;
}

/** Whether this grant may write another event now. Without the binding (local tools), always. */
export async function eventAllowed(env: Env, target: ReplayTarget, grant: VerifiedGrant): Promise<boolean> {
  if (!env.EVENT_LIMIT) return true;
  const { success } = await env.EVENT_LIMIT.limit({ key: eventLimitKey(target, grant) });
  return success;
}

/** Writes `events` for the target's page view up to the cap; returns how many were written. */
export async function writeEvents(
  stores: ReadStores,
  target: ReplayTarget,
  events: readonly ReplayEvent[],
): Promise<number> {
  if (events.length === 0) return 0;
  const held = await new ConsoleReader(stores).replayEvents(
    target.sessionId,
    target.pageViewId,
    MAX_EVENTS_PER_PAGE_VIEW,
  );
  const room = Math.max(0, MAX_EVENTS_PER_PAGE_VIEW - held.length);
  const reader = new ReplayReader(stores);
  const kept = events.slice(0, room);
  await Promise.all(kept.map((event) => reader.recordEvent(event)));
  return kept.length;
}
