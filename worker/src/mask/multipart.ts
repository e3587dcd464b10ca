import { applyAction } from "./actions.ts";
import type { MaskContext } from "./context.ts";
import { maskValues } from "./value-rules.ts";

/**
 * `multipart/form-data` (RFC 7578) as a binary string. Each part's field name comes from its
 * Content-Disposition; a secret field's content goes through its rule, every other part (file contents
 * included) through the value rules. Part headers (field and file names) get the value rules too.
 */
export function maskMultipart(text: string, boundary: string, ctx: MaskContext): string {
  const delimiter = `--${boundary}`;
  return text
    .split(delimiter)
    .map((piece, index) => {
      if (index === 0 || piece.startsWith("--")) return piece;
      const headerEnd = piece.indexOf("\r\n\r\n");
      if (headerEnd < 0) return maskValues(piece, ctx, "multipart");
      const headers = piece.slice(0, headerEnd);
      const trailing = piece.endsWith("\r\n") ? "\r\n" : "";
      const content = piece.slice(headerEnd + 4, piece.length - trailing.length);
      const name = /\bname="([^"]*)"/i.exec(headers)?.[1] ?? "";
      const rule = ctx.fieldRule(name, "multipart");
      const location = `multipart:${name}`;
      const masked = rule ? applyAction(rule, content, ctx, location) : maskValues(content, ctx, location);
      return `${maskValues(headers, ctx, location)}\r\n\r\n${masked}${trailing}`;
    })
    .join(delimiter);
}

export function boundaryOf(contentType: string | null): string | null {
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? "");
  return match?.[1] ?? match?.[2] ?? null;
}
