import { applyAction } from "./actions.ts";
import type { MaskContext } from "./context.ts";
import { decodedText } from "./decoders.ts";
import { formatPosition, matchesJsonPath } from "./policy/json-path.ts";
import type { CompiledRule } from "./policy/compile-policy.ts";
import { applyEdits, type Edit } from "../util/edits.ts";
import { plausibleSecret } from "./plausible-secret.ts";
import {
  escapeString,
  isDigit,
  isIdentPart,
  isIdentStart,
  isNumberPart,
  nextNonSpace,
  stringEnd,
} from "./string-literals.ts";
import { detectInView, mayHoldValues, viewOf } from "./value-detection.ts";

/**
 * Masks JSON (and GraphQL arguments, and JSON-like text inside JSON strings) by scanning tokens instead of
 * parsing: a key is a string (or, where allowed, an identifier) followed by `:`, its value the next string,
 * number, object or array. Only the spans of masked values change; masked JSON stays valid. The scanner
 * never throws on malformed input (an unterminated string runs to the end), keeps one copy of the text
 * whatever the nesting depth, and tracks its position (`$.items[2].card`) for JSONPath rules and the manifest.
 *
 * Structure it knows:
 * - keys are compared decoded (`"pass\u0077ord"` is `password`);
 * - every leaf under a secret key is masked (`"password": {"value": "…"}`, `"cvv": ["1", "2"]`);
 * - `{name|key|field: "password", value: "…"}` pairs mask the value, in either order;
 * - strings that hold JSON or GraphQL (`"query": "mutation { login(password: \"…\") }"`) are scanned too.
 */
export type JsonOptions = {
  /** Identifiers count as keys (`password: "x"`), as in GraphQL arguments and JSON5. */
  identifierKeys?: boolean;
  /** The text is a binary string (one character per byte). */
  binary?: boolean;
};

type Frame = {
  array: boolean;
  key: string | number | null;
  index: number;
  /** A secret key above: every leaf masks with this rule. */
  all: CompiledRule | null;
  /** `{name: "password", value: …}`: the rule the name selects, and a value seen before the name. */
  pairRule: CompiledRule | null;
  pendingValue: { start: number; end: number; string: boolean; quote: number } | null;
};

const NAME_KEYS: ReadonlySet<string> = new Set(["name", "key", "field", "fieldname", "param"]);
const VALUE_KEYS: ReadonlySet<string> = new Set(["value", "val", "v", "fieldvalue", "data"]);
/** How deep strings-inside-strings are scanned (JSON in a JSON string in a GraphQL variable). */
const MAX_NESTING = 2;

const Char = {
  Quote: 34,
  Apostrophe: 39,
  Backslash: 92,
  Colon: 58,
  Comma: 44,
  OpenBrace: 123,
  CloseBrace: 125,
  OpenBracket: 91,
  CloseBracket: 93,
  OpenParen: 40,
  CloseParen: 41,
  Minus: 45,
  Newline: 10,
} as const;

export function maskJsonText(
  text: string,
  ctx: MaskContext,
  location: string,
  options: JsonOptions = {},
): string {
  return applyEdits(text, jsonEdits(text, ctx, location, options, 0));
}

/** The edits that mask a JSON document, for callers that apply them to bytes. */
export function maskJsonEdits(
  text: string,
  ctx: MaskContext,
  location: string,
  options: JsonOptions = {},
): Edit[] {
  return jsonEdits(text, ctx, location, options, 0);
}

function jsonEdits(
  text: string,
  ctx: MaskContext,
  location: string,
  options: JsonOptions,
  depth: number,
): Edit[] {
  let edits: Edit[] = [];
  const binary = options.binary ?? false;
  const stack: Frame[] = [];
  let pendingKey: string | null = null;
  const n = text.length;
  let i = 0;

  const position = (): Array<string | number> => {
    const out: Array<string | number> = [];
    for (const frame of stack) if (frame.key !== null) out.push(frame.key);
    if (pendingKey !== null) out.push(pendingKey);
    else {
      const top = stack.at(-1);
      if (top?.array) out.push(top.index);
    }
    return out;
  };
  const where = () => `${location}:${formatPosition(position())}`;
  const ruleForValue = (): CompiledRule | null => {
    const top = stack.at(-1);
    if (top?.all) return top.all;
    if (pendingKey !== null) {
      const byName = ctx.fieldRule(pendingKey, "json");
      if (byName) return byName;
      if (top?.pairRule && VALUE_KEYS.has(pendingKey.toLowerCase())) return top.pairRule;
    }
    if (ctx.jsonPathRules.length === 0) return null;
    const here = position();
    return (
      ctx.jsonPathRules.find((rule) => rule.jsonPath !== null && matchesJsonPath(rule.jsonPath, here)) ?? null
    );
  };
  /**
   * A value replaced by a rule: strings keep their quotes, numbers become strings unless masked in shape.
   * In a response, a name rule masks only what could be a secret (plausible-secret.ts); false: not applied.
   */
  const applyRule = (rule: CompiledRule, start: number, end: number, string: boolean, quote: number) => {
    const value = string ? decodedText(text, start, end, "js", binary) : text.slice(start, end);
    if (ctx.side === "response" && rule.jsonPath === null && !plausibleSecret(value)) return false;
    const masked = applyAction(rule, value, ctx, where());
    if (string) edits.push({ start, end, text: escapeString(masked, quote) });
    else if (rule.action === "mask") edits.push({ start, end, text: masked.replace(/[^0-9.eE+-]/g, "0") });
    else edits.push({ start, end, text: JSON.stringify(masked) });
    return true;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === Char.Quote || c === Char.Apostrophe) {
      const { end, innerEnd } = stringEnd(text, i);
      const colon = nextNonSpace(text, end);
      if (text.charCodeAt(colon) === Char.Colon) {
        pendingKey = decodedText(text, i + 1, innerEnd, "js", binary);
        i = colon + 1;
        continue;
      }
      const top = stack.at(-1);
      const rule = ruleForValue();
      if (!rule || !applyRule(rule, i + 1, innerEnd, true, c)) {
        if (pendingKey !== null && top && NAME_KEYS.has(pendingKey.toLowerCase())) {
          // `{name: "password", value: …}`: the name selects the rule for its sibling value.
          top.pairRule = ctx.fieldRule(decodedText(text, i + 1, innerEnd, "js", binary), "json");
          const pending = top.pendingValue;
          if (top.pairRule && pending) {
            const saved = pendingKey;
            pendingKey = "value";
            // The pair's rule wins over value findings already made inside the value.
            edits = edits.filter((edit) => edit.end <= pending.start || edit.start >= pending.end);
            applyRule(top.pairRule, pending.start, pending.end, pending.string, pending.quote);
            pendingKey = saved;
            top.pendingValue = null;
          }
        } else if (pendingKey !== null && top && VALUE_KEYS.has(pendingKey.toLowerCase()) && !top.pairRule) {
          top.pendingValue = { start: i + 1, end: innerEnd, string: true, quote: c };
        }
        edits.push(...stringContentEdits(text, i + 1, innerEnd, ctx, location, options, depth));
      }
      pendingKey = null;
      i = end;
      continue;
    }
    if (isDigit(c) || c === Char.Minus) {
      let end = i + 1;
      while (end < n && isNumberPart(text.charCodeAt(end))) end++;
      const rule = ruleForValue();
      const top = stack.at(-1);
      const applied = rule !== null && applyRule(rule, i, end, false, Char.Quote);
      if (!applied && pendingKey !== null && top && VALUE_KEYS.has(pendingKey.toLowerCase()))
        top.pendingValue = { start: i, end, string: false, quote: Char.Quote };
      if (!applied && end - i >= 13) {
        const token = text.slice(i, end);
        const found = detectInView(viewOf(token, 0, token.length, "plain", false), ctx, location);
        if (found.length > 0)
          edits.push({ start: i, end, text: applyEdits(token, found).replace(/[^0-9.eE+-]/g, "0") });
      }
      pendingKey = null;
      i = end;
      continue;
    }
    if (isIdentStart(c)) {
      let end = i + 1;
      while (end < n && isIdentPart(text.charCodeAt(end))) end++;
      const colon = nextNonSpace(text, end);
      if (
        options.identifierKeys &&
        text.charCodeAt(colon) === Char.Colon &&
        text.charCodeAt(colon + 1) !== Char.Colon
      ) {
        pendingKey = text.slice(i, end);
        i = colon + 1;
        continue;
      }
      pendingKey = null;
      i = end;
      continue;
    }
    if (c === Char.OpenBrace || c === Char.OpenBracket || c === Char.OpenParen) {
      const parent = stack.at(-1);
      // A secret key's object or array: all of it is the secret. GraphQL's `(` opens arguments, not a value.
      const all =
        c === Char.OpenParen
          ? (parent?.all ?? null)
          : (parent?.all ?? (pendingKey !== null ? ctx.fieldRule(pendingKey, "json") : null));
      stack.push({
        array: c === Char.OpenBracket,
        key: c === Char.OpenParen ? null : (pendingKey ?? arrayIndex(stack)),
        index: 0,
        all,
        pairRule: null,
        pendingValue: null,
      });
      pendingKey = null;
    } else if (c === Char.CloseBrace || c === Char.CloseBracket || c === Char.CloseParen) {
      stack.pop();
      pendingKey = null;
    } else if (c === Char.Comma) {
      const top = stack.at(-1);
      if (top?.array) top.index++;
      pendingKey = null;
    }
    i++;
  }
  return edits;
}

/**
 * A string that is not under a secret key: value rules over its decoded text, and, when it holds JSON or
 * GraphQL, the key rules over that text too (edits mapped back through the escapes).
 */
function stringContentEdits(
  text: string,
  start: number,
  end: number,
  ctx: MaskContext,
  location: string,
  options: JsonOptions,
  depth: number,
): Edit[] {
  if (end <= start) return [];
  const raw = text.slice(start, end);
  const structured = depth < MAX_NESTING && raw.includes(":") && /[{(]/.test(raw);
  if (!structured && !mayHoldValues(raw, ctx)) return [];
  const view = viewOf(text, start, end, "js", options.binary ?? false);
  if (!structured) return detectInView(view, ctx, location);
  const inner = view.toString();
  const innerEdits = jsonEdits(inner, ctx, location, { identifierKeys: true }, depth + 1);
  if (innerEdits.length === 0) return detectInView(view, ctx, location);
  // Map edits of the decoded text back to the escaped source; replacements are escaped for the string.
  return innerEdits.map((edit) => ({
    start: view.start(edit.start),
    end: edit.end > edit.start ? view.end(edit.end - 1) : view.start(edit.start),
    text: escapeString(edit.text, Char.Quote),
  }));
}

function arrayIndex(stack: Frame[]): number | null {
  const top = stack.at(-1);
  return top?.array ? top.index : null;
}
