import { readStores } from "../store/record-reader.ts";
import type { Env } from "../env.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { ArchiveReader } from "../store/archive-reader.ts";
import { R2BlobStore } from "../store/blob-store.ts";
import { ConsoleReader } from "../store/console-reader.ts";
import type { SessionRow } from "../record/rows.ts";
import { buildCustomerTimeline, type CustomerTimeline } from "./model/customer-timeline.ts";
import { buildTimeline, type SessionTimeline } from "./model/timeline.ts";
import { loadRequestFields } from "./request-bodies.ts";

/** A timeline reads at most this many exchanges (a day-long session of a busy single-page app). */
export const TIMELINE_LIMIT = 2000;
export const CUSTOMER_SESSION_LIMIT = 50;
export const CUSTOMER_EXCHANGE_LIMIT = 5000;

/** Three D1 reads in parallel, then the request bodies worth showing from R2. */
export async function loadSessionTimeline(
  env: Env,
  sessionId: string,
): Promise<{ session: SessionRow; customerTokens: string[]; timeline: SessionTimeline }> {
  const reader = new ConsoleReader(readStores(env));
  const [session, rows, customerTokens] = await Promise.all([
    new ArchiveReader(readStores(env)).getSession(sessionId),
    reader.sessionTimeline(sessionId, TIMELINE_LIMIT + 1),
    reader.customersOfSession(sessionId),
  ]);
  if (!session) throw new VerbatimError("not_found", `no session ${sessionId}`);
  const kept = rows.slice(0, TIMELINE_LIMIT);
  const fields = await loadRequestFields(kept, new R2BlobStore(env.BLOBS));
  return {
    session,
    customerTokens,
    timeline: buildTimeline(session.id, kept, { fields, truncated: rows.length > TIMELINE_LIMIT }),
  };
}

export async function loadCustomerTimeline(env: Env, customerToken: string): Promise<CustomerTimeline> {
  const reader = new ConsoleReader(readStores(env));
  const [sessions, rows] = await Promise.all([
    reader.customerSessions(customerToken, CUSTOMER_SESSION_LIMIT),
    reader.customerTimeline(customerToken, CUSTOMER_SESSION_LIMIT, CUSTOMER_EXCHANGE_LIMIT + 1),
  ]);
  const kept = rows.slice(0, CUSTOMER_EXCHANGE_LIMIT);
  const fields = await loadRequestFields(kept, new R2BlobStore(env.BLOBS));
  return buildCustomerTimeline(sessions, kept, { fields, truncated: rows.length > CUSTOMER_EXCHANGE_LIMIT });
}
