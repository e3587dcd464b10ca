/**
 * Lexical pieces shared by the JSON/GraphQL scanner and the CSS masker: where a quoted string ends, how a
 * replacement is written back into one, and the character classes of numbers and identifiers.
 */
const Backslash = 92;
const Newline = 10;
const Apostrophe = 39;
const Minus = 45;

/** Writes a replacement into a string literal with the given quote, so the document stays valid. */
export function escapeString(value: string, quote: number): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === quote || c === Backslash) out += `\\${value[i]}`;
    else if (c < 0x20) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += value[i];
  }
  return out;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
export function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}
export function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}
export function isNumberPart(c: number): boolean {
  return isDigit(c) || c === 46 || c === 101 || c === 69 || c === 43 || c === Minus;
}
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * `end`: index just past the string token; `innerEnd`: end of its content. An unterminated string runs to
 * the end of the text (or, for a single-quoted string, of the line): all of it is content.
 */
export function stringEnd(text: string, start: number): { end: number; innerEnd: number } {
  const quote = text.charCodeAt(start);
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === Backslash) i += 2;
    else if (c === quote) return { end: i + 1, innerEnd: i };
    else if (c === Newline && quote === Apostrophe) return { end: i, innerEnd: i };
    else i++;
  }
  return { end: text.length, innerEnd: text.length };
}

export function nextNonSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}
