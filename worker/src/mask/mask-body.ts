import { charsetOf, classify, mediaType } from "../snapshot/content-class.ts";
import { binaryToBytes, bytesToBinary, encodeUtf16, isUtf16 } from "../util/binary-string.ts";
import type { MaskContext } from "./context.ts";
import { maskCss } from "./css.ts";
import { maskUrlEncoded } from "./form-urlencoded.ts";
import { htmlEdits, maskHtml } from "./html.ts";
import { maskJavaScript } from "./javascript.ts";
import { maskJsonEdits, maskJsonText } from "./json-tokens.ts";
import { applyEditsToBytes, type Edit } from "../util/edits.ts";
import { boundaryOf, maskMultipart } from "./multipart.ts";
import { sniffBoundary, sniffClass, sniffUtf16, type Sniffed } from "./sniff.ts";
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

type Input = { text: string; binary: boolean; bytes: Uint8Array; contentType: string | null };
type TextMasker = (input: Input, ctx: MaskContext) => string;
type EditMasker = (input: Input, ctx: MaskContext) => Edit[];

/** The big structured classes give edits, applied to the bytes directly (no string rebuilt per body). */
const EDIT_MASKERS: Partial<Record<Sniffed, EditMasker>> = {
  html: ({ text, binary }, ctx) => htmlEdits(text, ctx, binary),
  json: ({ text, binary }, ctx) => maskJsonEdits(text, ctx, "json", { binary, identifierKeys: true }),
  image: ({ text, binary }, ctx) => htmlEdits(text, ctx, binary),
};

/**
 * Which masker reads which class of body (after sniffing: see sniff.ts). Real binary (images, fonts,
 * archives whose magic bytes match) passes unchanged; everything else is text to some masker.
 */
const MASKERS: Readonly<Record<Sniffed, TextMasker | null>> = {
  html: ({ text, binary }, ctx) => maskHtml(text, ctx, binary),
  json: ({ text, binary }, ctx) => maskJsonText(text, ctx, "json", { binary, identifierKeys: true }),
  js: ({ text, binary }, ctx) => maskJavaScript(text, ctx, "js", { binary, quotedKeys: false }),
  form: ({ text }, ctx) => maskUrlEncoded(text, ctx, "form"),
  multipart: ({ text, bytes, contentType }, ctx) => {
    const boundary = boundaryOf(contentType) ?? sniffBoundary(bytes);
    if (!boundary) throw new MaskError("multipart_without_boundary");
    return maskMultipart(text, boundary, ctx);
  },
  css: ({ text, binary }, ctx) => maskCss(text, ctx, "css", binary),
  text: ({ text, binary }, ctx) => maskValues(text, ctx, "text", { binary }),
  image: ({ text, binary }, ctx) => maskHtml(text, ctx, binary),
  font: null,
  other: ({ text, binary }, ctx) => maskValues(text, ctx, "body", { binary }),
  binary: null,
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
  if (bytes.length === 0) return bytes;
  const declared = classify(contentType);
  const isSvg = /svg/.test(mediaType(contentType));
  const utf16 = isUtf16(bytes, charsetOf(contentType)) ?? sniffUtf16(bytes);
  if (utf16) {
    // Masked as decoded text; re-encoded in the same byte order so untouched characters stay identical.
    const text = new TextDecoder(utf16, { fatal: false, ignoreBOM: true }).decode(bytes);
    const ascii = binaryToBytes(text.replace(/[^\x00-\xff]/g, "\u00aa"));
    const masker =
      MASKERS[declared === "other" || declared === "text" ? sniffClass(ascii, declared, isSvg) : declared];
    return masker
      ? encodeUtf16(masker({ text, binary: false, bytes: ascii, contentType }, ctx), utf16)
      : bytes;
  }
  const sniffed = sniffClass(bytes, declared, isSvg);
  const masker = MASKERS[sniffed];
  if (!masker) return bytes;
  const text = bytesToBinary(bytes);
  const editMasker = EDIT_MASKERS[sniffed];
  if (editMasker)
    return applyEditsToBytes(bytes, editMasker({ text, binary: true, bytes, contentType }, ctx));
  const masked = masker({ text, binary: true, bytes, contentType }, ctx);
  return masked === text ? bytes : binaryToBytes(masked);
}
