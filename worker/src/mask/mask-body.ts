import { charsetOf, classify, type ContentClass } from "../snapshot/content-class.ts";
import { binaryToBytes, bytesToBinary, encodeUtf16, isUtf16 } from "../util/binary-string.ts";
import type { MaskContext } from "./context.ts";
import { maskUrlEncoded } from "./form-urlencoded.ts";
import { maskHtml } from "./html.ts";
import { maskJsonText } from "./json-tokens.ts";
import { boundaryOf, maskMultipart } from "./multipart.ts";
import { maskValues } from "./value-rules.ts";

/** A body that could not be masked. The recorder then stores no body at all (fail closed). */
export class MaskError extends Error {
  override readonly name = "MaskError";
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}

type TextMasker = (text: string, ctx: MaskContext, contentType: string | null) => string;

/** Which masker reads which class of body. Fonts pass unchanged; raster images too (no text to mask). */
const MASKERS: Readonly<Record<ContentClass, TextMasker | null>> = {
  html: (text, ctx) => maskHtml(text, ctx),
  json: (text, ctx) => maskJsonText(text, ctx, "json"),
  js: (text, ctx) => maskJsonText(maskValues(text, ctx, "js"), ctx, "js"),
  form: (text, ctx) => maskUrlEncoded(text, ctx, "form"),
  multipart: (text, ctx, contentType) => {
    const boundary = boundaryOf(contentType);
    if (!boundary) throw new MaskError("multipart_without_boundary");
    return maskMultipart(text, boundary, ctx);
  },
  css: (text, ctx) => maskValues(text, ctx, "css"),
  text: (text, ctx) => maskValues(text, ctx, "text"),
  image: (text, ctx, contentType) => (/svg/i.test(contentType ?? "") ? maskHtml(text, ctx) : text),
  font: null,
  other: (text, ctx) => maskValues(text, ctx, "body"),
};

/**
 * Masks a decoded body; returns the bytes to store. Throws MaskError (or a parser's error) when it cannot.
 * A `url` rule with no other selector means "store no body for these URLs": that is a MaskError too.
 */
export function maskBody(bytes: Uint8Array, contentType: string | null, ctx: MaskContext): Uint8Array {
  if (ctx.bodyRedaction) {
    ctx.add(ctx.bodyRedaction.id, "body");
    throw new MaskError(`redacted_by_policy:${ctx.bodyRedaction.id}`);
  }
  const masker = MASKERS[classify(contentType)];
  if (!masker || bytes.length === 0) return bytes;
  const utf16 = isUtf16(bytes, charsetOf(contentType));
  if (utf16) {
    const text = new TextDecoder(utf16, { fatal: false, ignoreBOM: true }).decode(bytes);
    return encodeUtf16(masker(text, ctx, contentType), utf16);
  }
  const text = bytesToBinary(bytes);
  const masked = masker(text, ctx, contentType);
  return masked === text ? bytes : binaryToBytes(masked);
}
