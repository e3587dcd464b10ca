import jsTokens from "js-tokens";
import { applyAction } from "./actions.ts";
import type { MaskContext } from "./context.ts";
import { decodedText } from "./decoders.ts";
import { applyEdits, type Edit } from "../util/edits.ts";
import { plausibleSecret } from "./plausible-secret.ts";
import { detectInView, mayHoldValues, viewOf } from "./value-detection.ts";

/**
 * JavaScript, read through a real tokenizer (js-tokens: the ECMAScript lexical grammar, regex/division
 * and template literals included) so masking never crosses code: value rules look only inside string
 * literals and template text, and what they change stays inside the literal, so the script still parses.
 * Key rules do not apply to code: `{password: "Password"}` in a bundle is a label, not a secret.
 *
 * Inline state serialised into a page (`window.__STATE__ = {"accessToken": "…"}`) is data written as
 * code; for inline scripts (`quotedKeys`), a string literal under a quoted key in an object literal gets
 * that key's rule: the shape JSON.stringify writes, which hand-written code rarely uses.
 */
export type ScriptOptions = { binary: boolean; quotedKeys: boolean };

type Literal = { start: number; end: number; quote: number };

export function maskJavaScript(
  text: string,
  ctx: MaskContext,
  location: string,
  options: ScriptOptions,
): string {
  if (!options.quotedKeys && !mayHoldValues(text, ctx)) return text;
  const edits: Edit[] = [];
  let offset = 0;
  // The last significant tokens, to recognise `{ or , → "key" → : → "value"`.
  let before: string | null = null;
  let key: Literal | null = null;
  let colonAfterKey = false;
  for (const token of jsTokens(text)) {
    const start = offset;
    offset += token.value.length;
    if (token.type === "WhiteSpace" || token.type === "LineTerminatorSequence") continue;
    if (token.type.endsWith("Comment")) continue;
    const literal = literalOf(token.type, token.value, start);
    if (literal && options.quotedKeys && key && colonAfterKey && token.type === "StringLiteral") {
      const name = decodedText(text, key.start, key.end, "js", options.binary);
      const rule = ctx.fieldRule(name, "json");
      const value = decodedText(text, literal.start, literal.end, "js", options.binary);
      if (rule && literal.end > literal.start && (ctx.side === "request" || plausibleSecret(value))) {
        edits.push({
          start: literal.start,
          end: literal.end,
          text: escapeFor(applyAction(rule, value, ctx, `${location}:${name}`), literal.quote),
        });
        key = null;
        colonAfterKey = false;
        before = token.value;
        continue;
      }
    }
    if (literal && literal.end > literal.start) {
      const raw = text.slice(literal.start, literal.end);
      if (mayHoldValues(raw, ctx))
        edits.push(
          ...detectInView(viewOf(text, literal.start, literal.end, "js", options.binary), ctx, location),
        );
    }
    if (token.type === "StringLiteral" && (before === "{" || before === ",") && literal) {
      key = literal;
      colonAfterKey = false;
    } else if (token.value === ":" && key && !colonAfterKey) colonAfterKey = true;
    else {
      key = null;
      colonAfterKey = false;
    }
    before = token.value;
  }
  return applyEdits(text, edits);
}

/** The content range of a string literal or a piece of template text. */
function literalOf(type: string, value: string, start: number): Literal | null {
  switch (type) {
    case "StringLiteral": {
      const closed = value.length >= 2 && value.endsWith(value[0] ?? "");
      return { start: start + 1, end: start + value.length - (closed ? 1 : 0), quote: value.charCodeAt(0) };
    }
    case "NoSubstitutionTemplate":
    case "TemplateTail": {
      const closed = value.endsWith("`");
      return { start: start + 1, end: start + value.length - (closed ? 1 : 0), quote: 96 };
    }
    case "TemplateHead":
    case "TemplateMiddle":
      return { start: start + 1, end: start + value.length - 2, quote: 96 };
    default:
      return null;
  }
}

function escapeFor(value: string, quote: number): string {
  let out = "";
  for (const char of value) {
    const c = char.charCodeAt(0);
    if (c === quote || c === 92 || (quote === 96 && char === "$")) out += `\\${char}`;
    else if (c < 0x20) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return out;
}
