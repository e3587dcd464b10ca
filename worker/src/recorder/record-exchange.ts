import type { BodySource, PendingExchange } from "../capture/pending-exchange.ts";
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
import { sessionExchangeId } from "../snapshot/ids.ts";
import { orderRequestHeaders } from "../store/exchange-layout.ts";
import type { ArchiveIndex } from "../store/archive-index.ts";
import type { BlobRow } from "../record/rows.ts";
import type { RecordMessage } from "../record/record-message.ts";
import { buildRecord } from "../record/build-record.ts";
import type { RecorderStores } from "./recorder-stores.ts";
import { readBodyPart, type BodyPart } from "./body-part.ts";
import { knownResponse, rememberResponse, responseKey, type KnownResponse } from "./known-responses.ts";
import { rememberBlobs, storeBody } from "./store-body.ts";
import { counters, noteFailure, type FailureSink } from "../log/health-counters.ts";
import { isPageView } from "./page-view.ts";
import { Lru } from "../util/lru.ts";
import { rememberSessionKeys, resolveSession } from "./resolve-session.ts";
import { learnForms, postedForm } from "./learned-forms.ts";

/**
 * The recording pipeline of one exchange, run in a recording shard (recording-shard.ts), never on the
 * visitor's isolate:
 *
 *   capture (body-part.ts: read the tee'd bytes, decode)  →  mask (mask/)  →  store bodies (store-body.ts)
 *   →  build the record (record/build-record.ts, pure)  →  hand off (persist/record-outbox.ts: the records queue)
 *
 * The consumer (persist/consume-records.ts) indexes records in batches. This never throws: every failure
 * is counted, logged and, when D1 is up, written to recorder_failures.
 */
export async function recordExchange(
  pending: PendingExchange,
  config: Config,
  stores: RecorderStores,
): Promise<void> {
  const sink: FailureSink = (at, stage, kind, id) => stores.index.recordFailure(at, stage, kind, id);
  try {
    await stores.records.send(await record(pending, config, stores, sink));
  } catch (error) {
    counters.exchangesNotRecorded++;
    await noteFailure("capture", error, pending.id, sink);
  }
}

async function record(
  pending: PendingExchange,
  config: Config,
  stores: RecorderStores,
  sink: FailureSink,
): Promise<RecordMessage> {
  const { request, response } = pending;
  const ctx = recorderMaskContext(config.secret, request.url, config.commitmentSecret);
  const responseType = response.headers.get("content-type");
  const requestType = request.headers.get("content-type");
  // Forms a served page declares are learned as soon as it is masked; D1 is written in the background.
  let learning: Promise<void> = Promise.resolve();
  // A response already recorded (same URL, strong validator and length) is not read again: a reference.
  const referenceKey = await responseKey(request.method, request.url, response.status, response.headers);
  const reference = referenceKey ? knownResponse(referenceKey) : null;
  const readResponse = (): Promise<BodyPart> =>
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
    });
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
    reference && !reference.verify ? byReference(response.body, reference.known) : readResponse(),
  ]);
  await learning;
  const finishedAt = Date.now();

  const blobs: BlobRow[] = [];
  const requestNote = await storeBody(requestBody, stores, blobs, pending.id, sink, finishedAt);
  const responseNote = await storeBody(responseBody, stores, blobs, pending.id, sink, finishedAt);
  if (reference && !reference.verify && reference.known.blob) blobs.push(reference.known.blob);
  if (
    referenceKey &&
    responseBody.digest &&
    !responseNote?.includes("store_failed") &&
    !responseBody.streamError
  ) {
    if (reference?.verify) {
      if (reference.known.digest === responseBody.digest) counters.referencesVerified++;
      else counters.referencesMismatched++;
    }
    rememberResponse(referenceKey, {
      digest: responseBody.digest,
      size: responseBody.size,
      note: responseNote,
      blob: blobs.find((b) => b.digest === responseBody.digest) ?? reference?.known.blob ?? null,
    });
  }
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
  const refresh = sessionNeedsWrite(session.id, pending.startedAt);
  const message = await buildRecord({
    // The shard's id carries the session's tag (snapshot/ids.ts): the visitor's id was minted before the
    // session was known and names the exchange only in logs up to here.
    pending: { ...pending, id: sessionExchangeId(pending.startedAt, session.id) },
    finishedAt,
    session: { ...session, refresh },
    url,
    requestHeaders: await sealText(
      JSON.stringify(
        orderRequestHeaders(maskHeaders(withTruncatedIps(request.headers, config), ctx, "request")),
      ),
      ctx,
    ),
    responseHeaders: await sealText(JSON.stringify(maskHeaders(response.headers, ctx, "response")), ctx),
    context,
    contentClass,
    pageView: isPageView(request.headers, response.status, contentClass),
    requestBody: {
      digest: requestBody.digest && !requestNote?.includes("store_failed") ? requestBody.digest : null,
      size: requestBody.size,
      note: requestNote,
    },
    responseBody: {
      digest: responseBody.digest && !responseNote?.includes("store_failed") ? responseBody.digest : null,
      size: responseBody.size,
      note: responseNote ?? response.bodyNote,
    },
    validator,
    revalidatedDigest,
    error: pending.error ?? (responseBody.streamError ? "origin_stream_error" : null),
    maskPolicy: ctx.policy.version,
    findings: ctx.findings,
    customerTokens: [...ctx.customerTokens],
    blobs,
  });
  // This shard is where the session's exchanges meet: later exchanges need no statement for what is
  // known here (the queue delivers at least once, so the index will have it).
  rememberBlobs(blobs);
  rememberSessionKeys(session.keys);
  if (refresh) sessionWritten.set(session.id, pending.startedAt);
  return message;
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

/** A response recorded as a reference to a body already stored: its tee branch is released unread. */
async function byReference(source: BodySource, known: KnownResponse): Promise<BodyPart> {
  if (source instanceof ReadableStream) await source.cancel().catch(() => undefined);
  counters.bodiesByReference++;
  return {
    masked: null,
    digest: known.digest,
    size: known.size,
    compress: false,
    note: known.note,
    streamError: null,
  };
}

function maskOptional(value: string | null, ctx: MaskContext, location: string): string | null {
  return value === null ? null : maskValues(value, ctx, location);
}

/** When this shard last sent each session's row (session_log: first/last seen, device). */
const sessionWritten = new Lru<string, number>(20_000);
const SESSION_REFRESH_MS = 60_000;

function sessionNeedsWrite(sessionId: string, at: number): boolean {
  const written = sessionWritten.get(sessionId);
  // An earlier exchange that finishes masking after a later one needs no rewrite: the sessions view takes
  // first_seen from the session's chunks too (migrations/0008).
  return written === undefined || at - written >= SESSION_REFRESH_MS;
}

function contentLength(headers: Headers): number | null {
  const value = headers.get("content-length");
  return value !== null && /^\d{1,15}$/.test(value) ? Number(value) : null;
}
