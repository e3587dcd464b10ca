import { applyAction } from "./actions.ts";
import type { MaskContext } from "./context.ts";
import { declaredFieldRule } from "./forms.ts";
import { maskValues } from "./value-rules.ts";

/**
 * `multipart/form-data` (RFC 7578) as a binary string. Each part's field name comes from its
 * Content-Disposition (quoted or not); a secret field's content goes through its rule (from the declaring
 * form first, then the name), every other part (file contents included) through the value rules. Part
 * headers (field and file names) get the value rules too. Parts may end their headers with CRLF CRLF or,
 * from lenient clients, LF LF.
 */
export function maskMultipart(text: string, boundary: string, ctx: MaskContext): string {
  const delimiter = `--${boundary}`;
  return text
    .split(delimiter)
    .map((piece, index) => {
      if (index === 0 || piece.startsWith("--")) return piece;
      const crlf = piece.indexOf("\r\n\r\n");
      const lf = piece.indexOf("\n\n");
      const [headerEnd, gap] = crlf >= 0 && (lf < 0 || crlf <= lf) ? [crlf, 4] : [lf, 2];
      if (headerEnd < 0) return maskValues(piece, ctx, "multipart", { binary: true });
      const headers = piece.slice(0, headerEnd);
      const separator = piece.slice(headerEnd, headerEnd + gap);
      const trailing = piece.endsWith("\r\n") ? "\r\n" : piece.endsWith("\n") ? "\n" : "";
      const content = piece.slice(headerEnd + gap, piece.length - trailing.length);
      const name = /\bname\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(headers);
      const field = name?.[1] ?? name?.[2] ?? "";
      const form = ctx.declaredForm;
      const rule = (form ? declaredFieldRule(ctx, form, field) : null) ?? ctx.fieldRule(field, "multipart");
      const location = `multipart:${field}`;
      const masked = rule
        ? applyAction(rule, content, ctx, location)
        : maskValues(content, ctx, location, { binary: true });
      return `${maskValues(headers, ctx, location, { binary: true })}${separator}${masked}${trailing}`;
    })
    .join(delimiter);
}

export function boundaryOf(contentType: string | null): string | null {
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? "");
  return match?.[1] ?? match?.[2] ?? null;
}
