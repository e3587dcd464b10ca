import { hasPendingMarker, maskBody, MaskError, sealText, type MaskContext } from "../mask/index.ts";
import { binaryToBytes, bytesToBinary } from "../util/binary-string.ts";
import { captureBody, type CapturedBody } from "../snapshot/body-capture.ts";
import { PRECOMPRESSED_CLASSES, classify } from "../snapshot/content-class.ts";
import { decodeBody } from "../snapshot/decode-body.ts";
import { sha256Hex } from "../snapshot/record-hash.ts";
import { noteClientFault, noteFailure, type FailureSink } from "../log/health-counters.ts";
import { safePrefix } from "./safe-prefix.ts";
import type { DeclaredForm } from "../mask/forms.ts";
import type { BodySource } from "../capture/pending-exchange.ts";

/**
 * One body (request or response) taken from the wire to storable bytes: capture → decode → mask → digest.
 * Fail closed: if decoding or masking fails, `masked` is null and `note` says why; the exchange is still
 * recorded with its metadata.
 */
export type BodyPart = {
  masked: Uint8Array | null;
  digest: string | null;
  /** Size seen (decoded when decodable; on the wire when truncated before decoding was possible). */
  size: number | null;
  compress: boolean;
  note: string | null;
  /** The stream ended in an error (origin reset, visitor gone). */
  streamError: string | null;
};

const NO_BODY: BodyPart = {
  masked: null,
  digest: null,
  size: null,
  compress: false,
  note: null,
  streamError: null,
};

/**
 * MaskError reasons that describe the body, not the masker: on a request body they are the client's fault.
 * Anything else thrown while masking (a TypeError, a failed encryption) is the recorder's.
 */
const MALFORMED_INPUT_REASONS: ReadonlySet<string> = new Set(["multipart_without_boundary"]);

export async function readBodyPart(input: {
  source: BodySource;
  /** The request body is the client's: its stream errors, false codings and malformed shapes are client faults. */
  side: "request" | "response";
  contentType: string | null;
  contentEncoding: string | null;
  /** Content-Length, when the message declares one. */
  declaredLength: number | null;
  cap: number;
  ctx: MaskContext;
  exchangeId: string;
  sink: FailureSink | null;
  /** The form a request body was posted from (learned-forms.ts), looked up once the body is known to be one. */
  formFor?: (body: Uint8Array) => Promise<DeclaredForm | null>;
  /** Told the forms an HTML body declared as soon as it is masked: the visitor may post one a second later. */
  onForms?: (forms: DeclaredForm[]) => void;
}): Promise<BodyPart> {
  const { source, side, contentType, contentEncoding, declaredLength, cap, ctx, exchangeId, sink } = input;
  const fromClient = side === "request";
  if (source === null) return NO_BODY;
  const captured: CapturedBody =
    source instanceof ReadableStream ? await captureBody(source, cap, declaredLength) : source;
  if (captured.error) {
    if (fromClient) noteClientFault("visitor_disconnected", captured.error, exchangeId);
    else await noteFailure("capture", captured.error, exchangeId, sink);
  }
  // workerd's tee drops chunks still buffered for a branch when the source errors, so a reset can leave nothing.
  if (captured.bytes.byteLength === 0) {
    return {
      ...NO_BODY,
      size: captured.size,
      note: captured.error ? "partial" : null,
      streamError: captured.error,
    };
  }

  const decoded = await decodeBody(captured, contentEncoding, cap);
  if (!decoded.ok) {
    if (fromClient) noteClientFault("request_decode", decoded.reason, exchangeId);
    else await noteFailure("decode", decoded.reason, exchangeId, sink);
    return {
      ...NO_BODY,
      size: captured.size,
      note: `${decoded.reason}:${decoded.coding}`,
      streamError: captured.error,
    };
  }
  const body = decoded.body;
  const notes = [body.truncated ? "truncated" : null, captured.error ? "partial" : null].filter(Boolean);

  const cls = classify(contentType);
  const complete = !body.truncated && !captured.error;
  const plain = complete ? body.bytes : safePrefix(body.bytes, cls, /svg|xml/i.test(contentType ?? ""));
  let declared: DeclaredForm | null = null;
  try {
    declared = input.formFor ? await input.formFor(plain) : null;
  } catch (error) {
    // Fail closed: without the form, a password posted as `p` would be stored as typed.
    await noteFailure("d1", error, exchangeId, sink);
    return {
      ...NO_BODY,
      size: body.size,
      note: ["form_lookup_failed", ...notes].join(","),
      streamError: captured.error,
    };
  }
  let masked: Uint8Array;
  try {
    masked = await seal(maskDeclared(plain, contentType, ctx, side, declared, input.onForms), ctx);
  } catch (error) {
    // A policy that says "store no body for this URL" is not a failure.
    const byPolicy = error instanceof MaskError && error.reason.startsWith("redacted_by_policy");
    const malformed = fromClient && error instanceof MaskError && MALFORMED_INPUT_REASONS.has(error.reason);
    if (malformed) noteClientFault("request_malformed", error.reason, exchangeId);
    else if (!byPolicy) await noteFailure("mask", error, exchangeId, sink);
    const reason = error instanceof Error && "reason" in error ? String(error.reason) : "masker_error";
    return {
      ...NO_BODY,
      size: body.size,
      note: [`mask_failed:${reason}`, ...notes].join(","),
      streamError: captured.error,
    };
  }
  return {
    masked,
    digest: await sha256Hex(masked),
    size: body.size,
    compress: !PRECOMPRESSED_CLASSES.has(cls),
    note: notes.length > 0 ? notes.join(",") : null,
    streamError: captured.error,
  };
}

/**
 * Masks with the side and the declared form in force for this body only: the request and response of an exchange share
 * one context and are masked concurrently, but each maskBody call runs to completion, so setting the form
 * around it (and slicing the forms it learned) cannot leak into the other body.
 */
function maskDeclared(
  plain: Uint8Array,
  contentType: string | null,
  ctx: MaskContext,
  side: "request" | "response",
  declared: DeclaredForm | null,
  onForms: ((forms: DeclaredForm[]) => void) | undefined,
): Uint8Array {
  const learnedBefore = ctx.learnedForms.length;
  ctx.declaredForm = declared;
  ctx.side = side;
  try {
    return maskBody(plain, contentType, ctx);
  } finally {
    ctx.declaredForm = null;
    ctx.side = "request";
    const learned = ctx.learnedForms.slice(learnedBefore);
    if (onForms && learned.length > 0) onForms(learned);
  }
}

/** Replaces `encrypt` placeholders with ciphertext; a placeholder left behind means the body is not stored. */
async function seal(bytes: Uint8Array, ctx: MaskContext): Promise<Uint8Array> {
  if (ctx.pendingEncryptions.size === 0) return bytes;
  const sealed = await sealText(bytesToBinary(bytes), ctx);
  if (hasPendingMarker(sealed)) throw new MaskError("encryption_incomplete");
  return binaryToBytes(sealed);
}
