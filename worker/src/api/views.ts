import type { ExchangeRow, SessionRow } from "../record/rows.ts";

/** API shapes of stored rows: times as ISO-8601, JSON columns parsed, body links spelled out. */
export function sessionView(row: SessionRow) {
  return {
    id: row.id,
    firstSeen: new Date(row.first_seen).toISOString(),
    lastSeen: new Date(row.last_seen).toISOString(),
    exchangeCount: row.exchange_count,
    pageViewCount: row.page_view_count,
    errorCount: row.error_count,
    host: row.host,
    userAgent: row.user_agent,
    device: row.device,
    country: row.country,
    clientNetwork: row.client_network,
    links: { exchanges: `/__verbatim/api/sessions/${row.id}/exchanges` },
  };
}

function bodyView(
  id: string,
  part: "request" | "response",
  digest: string | null,
  size: number | null,
  note: string | null,
) {
  return {
    digest,
    size,
    note,
    href: digest ? `/__verbatim/api/exchanges/${id}/body?part=${part}` : null,
  };
}

export function exchangeView(row: ExchangeRow) {
  return {
    id: row.id,
    sessionId: row.session_id,
    day: row.day,
    startedAt: new Date(row.started_at).toISOString(),
    ttfbMs: row.ttfb_ms,
    totalMs: row.total_ms,
    pageView: row.page_view === 1,
    request: {
      method: row.method,
      url: row.url,
      headers: JSON.parse(row.request_headers) as [string, string][],
      body: bodyView(
        row.id,
        "request",
        row.request_body_digest,
        row.request_body_size,
        row.request_body_note,
      ),
    },
    response: {
      status: row.status,
      contentType: row.content_type,
      contentClass: row.content_class,
      headers: JSON.parse(row.response_headers) as [string, string][],
      body: bodyView(
        row.id,
        "response",
        row.response_body_digest,
        row.response_body_size,
        row.response_body_note,
      ),
      validator: row.validator,
      revalidatedDigest: row.revalidated_digest,
    },
    context: JSON.parse(row.context) as Record<string, unknown>,
    error: row.error,
    masking: { policy: row.mask_policy, findings: JSON.parse(row.mask_report) as unknown[] },
    recordHash: row.record_hash,
  };
}
