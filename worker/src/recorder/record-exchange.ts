import type { Config } from "../config/config.ts";
import {
  maskHeaders,
  maskUrl,
  maskValues,
  recorderMaskContext,
  sealText,
  type MaskContext,
} from "../mask/index.ts";
import { classify } from "../snapshot/content-class.ts";
import { withTruncatedIps } from "../snapshot/client-ip-headers.ts";
import { orderRequestHeaders } from "../store/exchange-layout.ts";
import { utcDay } from "../snapshot/ids.ts";
import { recordHash } from "../snapshot/record-hash.ts";
import type { ArchiveIndex } from "../store/archive-index.ts";
import type { BlobStore } from "../store/blob-store.ts";
import type { FormStore } from "../store/form-store.ts";
import type { BlobRow, ExchangeRow } from "../store/rows.ts";
import { readBodyPart } from "./body-part.ts";
import { rememberBlobs, storeBody } from "./store-body.ts";
import { counters, noteFailure, type FailureSink } from "./health-counters.ts";
import { isPageView } from "./page-view.ts";
import type { PendingExchange } from "./pending-exchange.ts";
import { Lru } from "../util/lru.ts";
import { rememberSessionKeys, resolveSession } from "./resolve-session.ts";
import { learnForms, postedForm } from "./learned-forms.ts";

export type RecorderStores = { blobs: BlobStore; index: ArchiveIndex; forms: FormStore };

/**
 * The background half of an exchange, run under `ctx.waitUntil`: snapshot → mask → store. It never throws
 * (every failure is counted, logged and, when D1 is up, written to recorder_failures) and it never touches
 * the visitor's response, which has already gone.
 */
export async function recordExchange(
  pending: PendingExchange,
  config: Config,
  stores: RecorderStores,
): Promise<void> {
  const sink: FailureSink = (at, stage, kind, id) => stores.index.recordFailure(at, stage, kind, id);
  try {
    await record(pending, config, stores, sink);
  } catch (error) {
    counters.exchangesNotRecorded++;
    await noteFailure("d1", error, pending.id, sink);
  }
}

async function record(pending: PendingExchange, config: Config, stores: RecorderStores, sink: FailureSink) {
  const { request, response } = pending;
  const ctx = recorderMaskContext(config.secret, request.url);
  const responseType = response.headers.get("content-type");
  const requestType = request.headers.get("content-type");
  // Forms a served page declares are learned as soon as it is masked; D1 is written in the background.
  let learning: Promise<void> = Promise.resolve();
  const [requestBody, responseBody] = await Promise.all([
    readBodyPart({
      source: request.body,
      side: "request",
      contentType: request.headers.get("content-type"),
      contentEncoding: request.headers.get("content-encoding"),
      declaredLength: contentLength(request.headers),
      cap: config.bodyCapBytes,
      ctx,
      exchangeId: pending.id,
      sink,
      formFor: (body) =>
        postedForm(
          { method: request.method, url: request.url, contentType: requestType },
          body,
          ctx,
          stores.forms,
        ),
    }),
    readBodyPart({
      source: response.body,
      side: "response",
      contentType: responseType,
      contentEncoding: response.headers.get("content-encoding"),
      declaredLength: contentLength(response.headers),
      cap: config.bodyCapBytes,
      ctx,
      exchangeId: pending.id,
      sink,
      onForms: (forms) => {
        learning = learnForms(forms, stores.forms, Date.now(), (error) =>
          noteFailure("d1", error, pending.id, sink),
        );
      },
    }),
  ]);
  await learning;
  const finishedAt = Date.now();

  const blobs: BlobRow[] = [];
  const requestNote = await storeBody(requestBody, stores, blobs, pending.id, sink, finishedAt);
  const responseNote = await storeBody(responseBody, stores, blobs, pending.id, sink, finishedAt);
  if (requestBody.note?.includes("truncated") || responseBody.note?.includes("truncated"))
    counters.bodiesTruncated++;

  const session = await resolveSession(pending, config, stores.index);
  const contentClass = classify(responseType);
  const url = await sealText(maskUrl(request.url, ctx, "url"), ctx);
  // The request context lands in index rows too: value rules (cards, tokens) apply to it like to headers.
  const context = {
    ...pending.context,
    userAgent: maskOptional(pending.context.userAgent, ctx, "context:user-agent"),
    acceptLanguage: maskOptional(pending.context.acceptLanguage, ctx, "context:accept-language"),
  };
  const validator = response.headers.get("etag") ?? response.headers.get("last-modified");
  const revalidatedDigest =
    response.status === 304 ? await revalidated(stores.index, url, request.headers, validator) : null;
  const error = pending.error ?? (responseBody.streamError ? "origin_stream_error" : null);
  const pageView = isPageView(request.headers, response.status, contentClass);

  const row: Omit<ExchangeRow, "record_hash"> = {
    id: pending.id,
    session_id: session.id,
    day: utcDay(pending.startedAt),
    started_at: pending.startedAt,
    ttfb_ms: pending.ttfbMs,
    total_ms: finishedAt - pending.startedAt,
    method: request.method,
    url,
    status: response.status,
    content_type: responseType,
    content_class: contentClass,
    page_view: pageView ? 1 : 0,
    request_headers: await sealText(
      JSON.stringify(
        orderRequestHeaders(maskHeaders(withTruncatedIps(request.headers, config), ctx, "request")),
      ),
      ctx,
    ),
    response_headers: await sealText(JSON.stringify(maskHeaders(response.headers, ctx, "response")), ctx),
    request_body_digest:
      requestBody.digest && !requestNote?.includes("store_failed") ? requestBody.digest : null,
    request_body_size: requestBody.size,
    request_body_note: requestNote,
    response_body_digest:
      responseBody.digest && !responseNote?.includes("store_failed") ? responseBody.digest : null,
    response_body_size: responseBody.size,
    response_body_note: responseNote ?? response.bodyNote,
    validator,
    revalidated_digest: revalidatedDigest,
    context: JSON.stringify(context),
    error,
    mask_policy: ctx.policy.version,
    mask_report: JSON.stringify(ctx.findings),
  };
  const exchange: ExchangeRow = { ...row, record_hash: await recordHash(row) };
  const writeSession = sessionNeedsWrite(session.id, pending.startedAt);

  try {
    const { rowsWritten } = await stores.index.writeExchange({
      blobs,
      session: writeSession
        ? {
            id: session.id,
            first_seen: pending.startedAt,
            last_seen: pending.startedAt,
            host: new URL(request.url).host,
            user_agent: context.userAgent,
            device: pending.context.device,
            country: pending.context.country,
            client_network: pending.context.clientNetwork,
          }
        : null,
      keys: session.keys,
      customers: [...ctx.customerTokens].map((token) => ({
        customer_token: token,
        session_id: session.id,
        first_seen: pending.startedAt,
      })),
      exchange,
    });
    counters.exchangesRecorded++;
    counters.d1RowsWritten += rowsWritten;
    rememberBlobs(blobs);
    rememberSessionKeys(session.keys);
    if (writeSession) sessionWritten.set(session.id, pending.startedAt);
  } catch (error) {
    counters.exchangesNotRecorded++;
    await noteFailure("d1", error, pending.id, sink);
  }
}

async function revalidated(
  index: ArchiveIndex,
  url: string,
  requestHeaders: Headers,
  validator: string | null,
): Promise<string | null> {
  const candidates = [
    validator,
    requestHeaders.get("if-none-match"),
    requestHeaders.get("if-modified-since"),
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const digest = await index.bodyForValidator(url, candidate);
    if (digest) return digest;
  }
  return null;
}

function maskOptional(value: string | null, ctx: MaskContext, location: string): string | null {
  return value === null ? null : maskValues(value, ctx, location);
}

/** When this isolate last wrote each session's row (session_log: first/last seen, device). */
const sessionWritten = new Lru<string, number>(20_000);
const SESSION_REFRESH_MS = 60_000;

function sessionNeedsWrite(sessionId: string, at: number): boolean {
  const written = sessionWritten.get(sessionId);
  return written === undefined || at - written >= SESSION_REFRESH_MS || at < written;
}

function contentLength(headers: Headers): number | null {
  const value = headers.get("content-length");
  return value !== null && /^\d{1,15}$/.test(value) ? Number(value) : null;
}
