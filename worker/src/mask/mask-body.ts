import { charsetOf, classify, type ContentClass } from "../snapshot/content-class.ts";
import { binaryToBytes, bytesToBinary, encodeUtf16, isUtf16 } from "./binary-string.ts";
import { maskCardNumbers } from "./card-numbers.ts";
import { maskUrlEncoded } from "./form-urlencoded.ts";
import { maskHtml } from "./html.ts";
import { maskJsonText } from "./json-tokens.ts";
import { boundaryOf, maskMultipart } from "./multipart.ts";
import type { MaskReport } from "./report.ts";

/** A body that could not be masked. The recorder then stores no body at all (fail closed). */
export class MaskError extends Error {
  override readonly name = "MaskError";
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}

type TextMasker = (text: string, report: MaskReport, contentType: string | null) => string;

/** Which masker reads which class of body. Binary classes with no text (fonts, raster images) pass unchanged. */
const MASKERS: Readonly<Record<ContentClass, TextMasker | null>> = {
  html: (text, report) => maskHtml(text, report),
  json: (text, report) => maskJsonText(text, report, "json"),
  js: (text, report) => maskJsonText(maskCardNumbers(text, report, "js"), report, "js"),
  form: (text, report) => maskUrlEncoded(text, report, "form"),
  multipart: (text, report, contentType) => {
    const boundary = boundaryOf(contentType);
    if (!boundary) throw new MaskError("multipart_without_boundary");
    return maskMultipart(text, boundary, report);
  },
  css: (text, report) => maskCardNumbers(text, report, "css"),
  text: (text, report) => maskCardNumbers(text, report, "text"),
  image: (text, report, contentType) => (/svg/i.test(contentType ?? "") ? maskHtml(text, report) : text),
  font: null,
  other: (text, report) => maskCardNumbers(text, report, "body"),
};

/** Masks a decoded body; returns the bytes to store. Throws MaskError (or a parser's error) when it cannot. */
export function maskBody(bytes: Uint8Array, contentType: string | null, report: MaskReport): Uint8Array {
  const masker = MASKERS[classify(contentType)];
  if (!masker || bytes.length === 0) return bytes;
  const utf16 = isUtf16(bytes, charsetOf(contentType));
  if (utf16) {
    const text = new TextDecoder(utf16, { fatal: false, ignoreBOM: true }).decode(bytes);
    return encodeUtf16(masker(text, report, contentType), utf16);
  }
  const text = bytesToBinary(bytes);
  const masked = masker(text, report, contentType);
  return masked === text ? bytes : binaryToBytes(masked);
}
