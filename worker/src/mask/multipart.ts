import { maskCardNumbers } from "./card-numbers.ts";
import { ruleForField } from "./field-rules.ts";
import { maskFieldValue } from "./field-value.ts";
import type { MaskReport } from "./report.ts";

/**
 * `multipart/form-data` (RFC 7578) as a binary string. Each part's field name comes from its
 * Content-Disposition; a secret field's content is replaced by the marker, every other part (file contents
 * included) gets the card-number pass. Part headers (field and file names) get the card pass too.
 */
export function maskMultipart(text: string, boundary: string, report: MaskReport): string {
  const delimiter = `--${boundary}`;
  const pieces = text.split(delimiter);
  return pieces
    .map((piece, index) => {
      if (index === 0 || piece.startsWith("--")) return piece;
      const headerEnd = piece.indexOf("\r\n\r\n");
      if (headerEnd < 0) return maskCardNumbers(piece, report, "multipart");
      const headers = piece.slice(0, headerEnd);
      const trailing = piece.endsWith("\r\n") ? "\r\n" : "";
      const content = piece.slice(headerEnd + 4, piece.length - trailing.length);
      const name = /\bname="([^"]*)"/i.exec(headers)?.[1] ?? "";
      const rule = ruleForField(name);
      const location = `multipart:${name}`;
      const masked = rule
        ? maskFieldValue(rule, content, report, location)
        : maskCardNumbers(content, report, location);
      return `${maskCardNumbers(headers, report, location)}\r\n\r\n${masked}${trailing}`;
    })
    .join(delimiter);
}

export function boundaryOf(contentType: string | null): string | null {
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? "");
  return match?.[1] ?? match?.[2] ?? null;
}
