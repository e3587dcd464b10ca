import { maskCardNumbers } from "./card-numbers.ts";
import { ruleForField, type FieldRule } from "./field-rules.ts";
import { maskFieldValue } from "./field-value.ts";
import type { MaskReport } from "./report.ts";

/**
 * Masks JSON, and the JSON-like object literals of inline scripts (`window.__STATE__ = {...}`), by scanning
 * tokens instead of parsing: a key is a string or identifier followed by `:`, its value is the next string,
 * number or literal. Only the spans of masked values change; all other bytes stay as sent. The scanner never
 * throws on malformed input (an unterminated string simply runs to the end), so invalid JSON labelled
 * `application/json` is masked too, and memory stays at one copy of the text, whatever the nesting depth.
 */
const IDENT_START = /[A-Za-z_$]/;
const IDENT_PART = /[A-Za-z0-9_$]/;
const NUMBER_CHAR = /[0-9eE+\-.]/;

export function maskJsonText(text: string, report: MaskReport, location: string): string {
  const parts: string[] = [];
  let copiedTo = 0;
  let pendingKey: string | null = null;
  let pendingRule: FieldRule | null = null;
  let i = 0;
  const n = text.length;

  const replace = (start: number, end: number, replacement: string) => {
    parts.push(text.slice(copiedTo, start), replacement);
    copiedTo = end;
  };

  while (i < n) {
    const ch = text[i] as string;
    if (ch === '"' || ch === "'") {
      const { end, innerEnd } = stringEnd(text, i);
      const afterColon = nextNonSpace(text, end);
      if (text[afterColon] === ":") {
        pendingKey = text.slice(i + 1, end - 1);
        pendingRule = ruleForField(pendingKey);
        i = afterColon + 1;
        continue;
      }
      const inner = text.slice(i + 1, innerEnd);
      const masked = pendingRule
        ? maskFieldValue(pendingRule, inner, report, `${location}:${pendingKey ?? ""}`)
        : maskCardNumbers(inner, report, location);
      if (masked !== inner) replace(i + 1, innerEnd, masked);
      pendingRule = null;
      i = end;
      continue;
    }
    if ((ch >= "0" && ch <= "9") || ch === "-") {
      let end = i + 1;
      while (end < n && NUMBER_CHAR.test(text[end] as string)) end++;
      const token = text.slice(i, end);
      if (pendingRule) {
        // A bare number under a secret key: a card keeps its digits' count (still a number), the rest become the marker string.
        const masked = maskFieldValue(pendingRule, token, report, `${location}:${pendingKey ?? ""}`);
        replace(
          i,
          end,
          pendingRule.action === "mask-card" ? masked.replaceAll("X", "0") : JSON.stringify(masked),
        );
      } else if (/^[0-9]{13,19}$/.test(token)) {
        const masked = maskCardNumbers(token, report, location);
        if (masked !== token) replace(i, end, masked.replaceAll("X", "0"));
      }
      pendingRule = null;
      i = end;
      continue;
    }
    if (IDENT_START.test(ch)) {
      let end = i + 1;
      while (end < n && IDENT_PART.test(text[end] as string)) end++;
      const afterColon = nextNonSpace(text, end);
      // `a ? b : c` in scripts also puts an identifier before a colon; a wrongly masked ternary operand in
      // a stored copy is harmless, a missed secret is not.
      if (text[afterColon] === ":" && text[afterColon + 1] !== ":") {
        pendingKey = text.slice(i, end);
        pendingRule = ruleForField(pendingKey);
        i = afterColon + 1;
        continue;
      }
      pendingRule = null;
      i = end;
      continue;
    }
    if (ch === "{" || ch === "[" || ch === "," || ch === "}" || ch === "]") pendingRule = null;
    i++;
  }
  if (copiedTo === 0) return text;
  parts.push(text.slice(copiedTo));
  return parts.join("");
}

/**
 * `end`: index just past the string token; `innerEnd`: end of its content. An unterminated string runs to
 * the end of the text (or, for a single-quoted JS string, of the line): all of it is content.
 */
function stringEnd(text: string, start: number): { end: number; innerEnd: number } {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "\\") i += 2;
    else if (ch === quote) return { end: i + 1, innerEnd: i };
    else if (ch === "\n" && quote === "'") return { end: i, innerEnd: i };
    else i++;
  }
  return { end: text.length, innerEnd: text.length };
}

function nextNonSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r"))
    i++;
  return i;
}
