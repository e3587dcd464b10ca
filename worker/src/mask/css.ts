import type { MaskContext } from "./context.ts";
import { applyEdits, type Edit } from "../util/edits.ts";
import { stringEnd } from "./string-literals.ts";
import { detectInView, mayHoldValues, viewOf } from "./value-detection.ts";

/**
 * CSS: value rules look only inside quoted strings (`content: "…"`, `url("…?token=…")`), never at numbers,
 * colours or selectors, so a stylesheet still parses and renders the same. Comments are skipped whole.
 */
export function maskCss(text: string, ctx: MaskContext, location: string, binary: boolean): string {
  if (!mayHoldValues(text, ctx)) return text;
  const edits: Edit[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const close = text.indexOf("*/", i + 2);
      i = close < 0 ? text.length : close + 2;
    } else if (c === 34 || c === 39) {
      const { end, innerEnd } = stringEnd(text, i);
      if (innerEnd > i + 1 && mayHoldValues(text.slice(i + 1, innerEnd), ctx))
        edits.push(...detectInView(viewOf(text, i + 1, innerEnd, "plain", binary), ctx, location));
      i = end;
    } else i++;
  }
  return applyEdits(text, edits);
}
