import type { PendingExchange } from "../capture/pending-exchange.ts";
import type { RecordMessage } from "./record-message.ts";
import { utcDay } from "../snapshot/ids.ts";
import { recordHash } from "../snapshot/record-hash.ts";
import type { RequestContext } from "../snapshot/request-context.ts";
import type { BlobRow, ExchangeRow, SessionKeyRow } from "./rows.ts";
import type { ContentClass } from "../snapshot/content-class.ts";

/** One body as the record names it: its digest when it was stored, its size, and why it is absent or partial. */
export type RecordedBody = { digest: string | null; size: number | null; note: string | null };

/**
 * Everything the earlier stages produced for one exchange, already masked: the record is a function of it
 * alone (no I/O, no clock), so the same inputs give the same record and the same record hash.
 */
export type RecordInputs = {
  pending: Pick<PendingExchange, "id" | "startedAt" | "ttfbMs" | "request" | "response" | "context">;
  finishedAt: number;
  session: { id: string; keys: SessionKeyRow[]; refresh: boolean };
  /** Masked and sealed. */
  url: string;
  requestHeaders: string;
  responseHeaders: string;
  /** The request context with its free-text fields masked. */
  context: RequestContext;
  contentClass: ContentClass;
  pageView: boolean;
  requestBody: RecordedBody;
  responseBody: RecordedBody;
  validator: string | null;
  revalidatedDigest: string | null;
  error: string | null;
  maskPolicy: string;
  findings: unknown;
  customerTokens: readonly string[];
  blobs: BlobRow[];
};

export async function buildRecord(input: RecordInputs): Promise<RecordMessage> {
  const { pending } = input;
  const row: Omit<ExchangeRow, "record_hash"> = {
    id: pending.id,
    session_id: input.session.id,
    day: utcDay(pending.startedAt),
    started_at: pending.startedAt,
    ttfb_ms: pending.ttfbMs,
    total_ms: input.finishedAt - pending.startedAt,
    method: pending.request.method,
    url: input.url,
    status: pending.response.status,
    content_type: pending.response.headers.get("content-type"),
    content_class: input.contentClass,
    page_view: input.pageView ? 1 : 0,
    request_headers: input.requestHeaders,
    response_headers: input.responseHeaders,
    request_body_digest: input.requestBody.digest,
    request_body_size: input.requestBody.size,
    request_body_note: input.requestBody.note,
    response_body_digest: input.responseBody.digest,
    response_body_size: input.responseBody.size,
    response_body_note: input.responseBody.note,
    validator: input.validator,
    revalidated_digest: input.revalidatedDigest,
    context: JSON.stringify(input.context),
    error: input.error,
    mask_policy: input.maskPolicy,
    mask_report: JSON.stringify(input.findings),
  };
  return {
    v: 1,
    exchange: { ...row, record_hash: await recordHash(row) },
    session: input.session.refresh
      ? {
          id: input.session.id,
          first_seen: pending.startedAt,
          last_seen: pending.startedAt,
          host: new URL(pending.request.url).host,
          user_agent: input.context.userAgent,
          device: pending.context.device,
          country: pending.context.country,
          client_network: pending.context.clientNetwork,
        }
      : null,
    keys: input.session.keys,
    customers: input.customerTokens.map((token) => ({
      customer_token: token,
      session_id: input.session.id,
      first_seen: pending.startedAt,
    })),
    blobs: input.blobs,
  };
}
