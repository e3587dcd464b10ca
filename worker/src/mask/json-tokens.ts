import { applyAction } from "./actions.ts";
import type { MaskContext } from "./context.ts";
import { formatPosition, matchesJsonPath } from "./policy/json-path.ts";
import type { CompiledRule } from "./policy/compile-policy.ts";
import { maskValues } from "./value-rules.ts";

/**
 * Masks JSON, and the JSON-like object literals of scripts (`window.__STATE__ = {...}`), by scanning tokens
 * instead of parsing: a key is a string or identifier followed by `:`, its value the next string, number or
 * literal. Only the spans of masked values change; every other byte stays as sent. The scanner never throws
 * on malformed input (an unterminated string runs to the end), keeps one copy of the text whatever the
 * nesting depth, and tracks its position (`$.items[2].card`) for JSONPath rules and the manifest.
 */
type Frame = { array: boolean; key: string | number | null; index: number };

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
  Minus: 45,
  Newline: 10,
} as const;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}
function isNumberPart(c: number): boolean {
  return isDigit(c) || c === 46 || c === 101 || c === 69 || c === 43 || c === Char.Minus;
}
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

export function maskJsonText(text: string, ctx: MaskContext, location: string): string {
  const parts: string[] = [];
  let copiedTo = 0;
  const stack: Frame[] = [];
  let pendingKey: string | null = null;
  const n = text.length;
  let i = 0;

  const replace = (start: number, end: number, replacement: string) => {
    parts.push(text.slice(copiedTo, start), replacement);
    copiedTo = end;
  };
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
  const ruleForValue = (): CompiledRule | null => {
    if (pendingKey !== null) {
      const byName = ctx.fieldRule(pendingKey, "json");
      if (byName) return byName;
    }
    if (ctx.jsonPathRules.length === 0) return null;
    const here = position();
    return (
      ctx.jsonPathRules.find((rule) => rule.jsonPath !== null && matchesJsonPath(rule.jsonPath, here)) ?? null
    );
  };
  const where = () => `${location}:${formatPosition(position())}`;
  const afterValue = () => {
    pendingKey = null;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === Char.Quote || c === Char.Apostrophe) {
      const { end, innerEnd } = stringEnd(text, i);
      const colon = nextNonSpace(text, end);
      if (text.charCodeAt(colon) === Char.Colon) {
        pendingKey = text.slice(i + 1, innerEnd);
        i = colon + 1;
        continue;
      }
      const inner = text.slice(i + 1, innerEnd);
      const rule = ruleForValue();
      const masked = rule ? applyAction(rule, inner, ctx, where()) : maskValues(inner, ctx, location);
      if (masked !== inner) replace(i + 1, innerEnd, masked);
      afterValue();
      i = end;
      continue;
    }
    if (isDigit(c) || c === Char.Minus) {
      let end = i + 1;
      while (end < n && isNumberPart(text.charCodeAt(end))) end++;
      const token = text.slice(i, end);
      const rule = ruleForValue();
      if (rule) {
        const masked = applyAction(rule, token, ctx, where());
        // A masked number stays a number of the same length (card digits become zeros); other actions give a string.
        const numeric = rule.action === "mask" ? masked.replace(/[^0-9.eE+-]/g, "0") : JSON.stringify(masked);
        replace(i, end, numeric);
      } else if (end - i >= 13) {
        const masked = maskValues(token, ctx, location);
        if (masked !== token) replace(i, end, masked.replace(/[^0-9.eE+-]/g, "0"));
      }
      afterValue();
      i = end;
      continue;
    }
    if (isIdentStart(c)) {
      let end = i + 1;
      while (end < n && isIdentPart(text.charCodeAt(end))) end++;
      const colon = nextNonSpace(text, end);
      // `a ? b : c` in scripts also puts an identifier before a colon; masking a ternary operand in a stored
      // copy is harmless, a missed secret is not.
      if (text.charCodeAt(colon) === Char.Colon && text.charCodeAt(colon + 1) !== Char.Colon) {
        pendingKey = text.slice(i, end);
        i = colon + 1;
        continue;
      }
      afterValue();
      i = end;
      continue;
    }
    if (c === Char.OpenBrace || c === Char.OpenBracket) {
      stack.push({ array: c === Char.OpenBracket, key: pendingKey ?? arrayIndex(stack), index: 0 });
      pendingKey = null;
    } else if (c === Char.CloseBrace || c === Char.CloseBracket) {
      stack.pop();
      pendingKey = null;
    } else if (c === Char.Comma) {
      const top = stack.at(-1);
      if (top?.array) top.index++;
      pendingKey = null;
    }
    i++;
  }
  if (copiedTo === 0) return text;
  parts.push(text.slice(copiedTo));
  return parts.join("");
}

function arrayIndex(stack: Frame[]): number | null {
  const top = stack.at(-1);
  return top?.array ? top.index : null;
}

/**
 * `end`: index just past the string token; `innerEnd`: end of its content. An unterminated string runs to
 * the end of the text (or, for a single-quoted JS string, of the line): all of it is content.
 */
function stringEnd(text: string, start: number): { end: number; innerEnd: number } {
  const quote = text.charCodeAt(start);
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === Char.Backslash) i += 2;
    else if (c === quote) return { end: i + 1, innerEnd: i };
    else if (c === Char.Newline && quote === Char.Apostrophe) return { end: i, innerEnd: i };
    else i++;
  }
  return { end: text.length, innerEnd: text.length };
}

function nextNonSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}
