/** Where decoded characters go: a TextView, or a plain string for names. */
export type CharSink = {
  push(char: string, start: number, end: number): void;
  pushRun(text: string, start: number): void;
};

/** The first character at or after `i` (before `end`) that this decoding has to look at, or `end`. */
function nextSpecial(source: string, i: number, end: number, decoding: Decoding): number {
  for (let k = i; k < end; k++) {
    const c = source.charCodeAt(k);
    if (c >= 0x80) return k;
    if (
      decoding === "html"
        ? c === 38
        : decoding === "url"
          ? c === 37 || c === 43
          : decoding === "html-url"
            ? c === 38 || c === 37 || c === 43
            : decoding === "js" && c === 92
    )
      return k;
  }
  return end;
}

/**
 * Appends a range of the source to a view, undoing one layer of encoding (HTML entities, percent-encoding,
 * JSON/JS string escapes) and reading UTF-8 sequences of binary strings as one character. Characters are
 * folded the way NFKC folds what detectors look at: full-width and other Unicode decimal digits become
 * ASCII digits; NBSP and the other Unicode spaces become a space; Unicode dashes become "-".
 */
export type Decoding = "plain" | "html" | "url" | "js" | "html-url";

/** Named entities that can stand for a separator or a digit-adjacent character; others stay as written. */
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  nbsp: " ",
  ensp: " ",
  emsp: " ",
  thinsp: " ",
  numsp: " ",
  puncsp: " ",
  hairsp: " ",
  nnbsp: " ",
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  hyphen: "-",
  dash: "-",
  ndash: "-",
  mdash: "-",
  minus: "-",
  period: ".",
  colon: ":",
  sol: "/",
  equals: "=",
  quest: "?",
  num: "#",
  plus: "+",
  commat: "@",
};

/** Folds one code point the way detectors need (NFKC for digits, spaces and dashes). */
export function foldCodePoint(cp: number): string {
  if (cp < 0x80) return String.fromCharCode(cp);
  if (cp === 0xa0 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x202f || cp === 0x205f || cp === 0x3000)
    return " ";
  if ((cp >= 0x2010 && cp <= 0x2015) || cp === 0x2212 || cp === 0xfe63 || cp === 0xff0d) return "-";
  if (cp >= 0xff10 && cp <= 0xff19) return String.fromCharCode(cp - 0xff10 + 48);
  if (cp >= 0xff21 && cp <= 0xff3a) return String.fromCharCode(cp - 0xff21 + 65);
  if (cp >= 0xff41 && cp <= 0xff5a) return String.fromCharCode(cp - 0xff41 + 97);
  if (cp === 0xff0e) return ".";
  const digit = unicodeDigit(cp);
  if (digit !== null) return String.fromCharCode(48 + digit);
  // Any other non-ASCII character: a letter-like placeholder, so it neither joins nor separates digit runs.
  return "\u00aa";
}

/** Decimal digits of the common Unicode scripts (Nd blocks laid out as 0..9). */
const DIGIT_BLOCKS = [
  0x0660, 0x06f0, 0x07c0, 0x0966, 0x09e6, 0x0a66, 0x0ae6, 0x0b66, 0x0be6, 0x0c66, 0x0ce6, 0x0d66, 0x0e50,
  0x0ed0, 0x0f20, 0x1040, 0x17e0, 0x1810, 0x1d7ce,
];
function unicodeDigit(cp: number): number | null {
  for (const zero of DIGIT_BLOCKS) if (cp >= zero && cp <= zero + 9) return cp - zero;
  if (cp >= 0x1d7ce && cp <= 0x1d7ff) return (cp - 0x1d7ce) % 10;
  return null;
}

/**
 * Reads one UTF-8 sequence of a binary string at `i`; returns its code point and length, or null when the
 * bytes there are not valid UTF-8 (then the byte is read as Latin-1, where 0xA0 is also an NBSP).
 */
function utf8At(source: string, i: number, end: number): { cp: number; length: number } | null {
  const b0 = source.charCodeAt(i);
  const need = b0 >= 0xc2 && b0 < 0xe0 ? 1 : b0 >= 0xe0 && b0 < 0xf0 ? 2 : b0 >= 0xf0 && b0 < 0xf5 ? 3 : 0;
  if (need === 0 || i + need >= end) return null;
  let cp = b0 & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
  for (let k = 1; k <= need; k++) {
    const b = source.charCodeAt(i + k);
    if ((b & 0xc0) !== 0x80) return null;
    cp = (cp << 6) | (b & 0x3f);
  }
  return { cp, length: need + 1 };
}

/**
 * Finds the characters HTML decoding must look at (`&`, non-ASCII) across one document whose ranges are
 * appended in reading order: one native forward scan for the whole document instead of a character loop per
 * text node. A found position is kept until the ranges pass it, so no part of the document is scanned twice.
 */
export class SpecialFinder {
  readonly #source: string;
  readonly #pattern = /[&\x80-\uffff]/g;
  #found = -1;

  constructor(source: string) {
    this.#source = source;
  }

  next(i: number, end: number): number {
    if (this.#found < i) {
      this.#pattern.lastIndex = i;
      const match = this.#pattern.exec(this.#source);
      this.#found = match === null ? this.#source.length : match.index;
    }
    return Math.min(this.#found, end);
  }
}

/** Appends `source[start, end)` decoded one layer. `binary`: the source is a binary string (bytes). */
export function appendDecoded(
  view: CharSink,
  source: string,
  start: number,
  end: number,
  decoding: Decoding,
  binary: boolean,
  finder: SpecialFinder | null = null,
): void {
  let i = start;
  while (i < end) {
    // Copy the run up to the next character that needs decoding in one piece.
    const stop = finder ? finder.next(i, end) : nextSpecial(source, i, end, decoding);
    if (stop > i) {
      view.pushRun(source.slice(i, stop), i);
      i = stop;
      if (i >= end) break;
    }
    const c = source.charCodeAt(i);
    if ((decoding === "html" || decoding === "html-url") && c === 38 /* & */) {
      const entity = htmlEntityAt(source, i, end);
      if (entity) {
        view.push(entity.char, i, i + entity.length);
        i += entity.length;
        continue;
      }
    } else if ((decoding === "url" || decoding === "html-url") && (c === 37 /* % */ || c === 43) /* + */) {
      if (c === 43) {
        view.push(" ", i, i + 1);
        i++;
        continue;
      }
      const decoded = percentAt(source, i, end);
      if (decoded) {
        view.push(decoded.char, i, i + decoded.length);
        i += decoded.length;
        continue;
      }
    } else if (decoding === "js" && c === 92 /* \ */) {
      const escape = jsEscapeAt(source, i, end);
      if (escape) {
        view.push(escape.char, i, i + escape.length);
        i += escape.length;
        continue;
      }
    }
    if (c >= 0x80) {
      if (binary) {
        const seq = utf8At(source, i, end);
        if (seq) {
          view.push(foldCodePoint(seq.cp), i, i + seq.length);
          i += seq.length;
          continue;
        }
        view.push(foldCodePoint(c), i, i + 1);
        i++;
        continue;
      }
      const cp = source.codePointAt(i) ?? c;
      const length = cp > 0xffff ? 2 : 1;
      view.push(foldCodePoint(cp), i, i + length);
      i += length;
      continue;
    }
    view.push(source[i] ?? "", i, i + 1);
    i++;
  }
}

function htmlEntityAt(source: string, i: number, end: number): { char: string; length: number } | null {
  const m = /^&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-zA-Z]{2,8}));?/.exec(
    source.slice(i, Math.min(end, i + 12)),
  );
  if (!m) return null;
  if (m[3] !== undefined) {
    const char = NAMED_ENTITIES[m[3].toLowerCase()];
    return char === undefined ? null : { char, length: m[0].length };
  }
  const cp = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
  if (!Number.isFinite(cp) || cp > 0x10ffff) return null;
  return { char: foldCodePoint(cp), length: m[0].length };
}

const HEX = /^[0-9a-fA-F]{2}$/;

/** A percent-encoded byte, or a percent-encoded UTF-8 sequence read as one character. */
function percentAt(source: string, i: number, end: number): { char: string; length: number } | null {
  const first = source.slice(i + 1, i + 3);
  if (i + 3 > end || !HEX.test(first)) return null;
  const b0 = parseInt(first, 16);
  if (b0 < 0x80) return { char: String.fromCharCode(b0), length: 3 };
  const need = b0 >= 0xf0 ? 3 : b0 >= 0xe0 ? 2 : b0 >= 0xc2 ? 1 : 0;
  let cp = b0 & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
  for (let k = 1; k <= need; k++) {
    const at = i + 3 * k;
    const hex = source.slice(at + 1, at + 3);
    if (at + 3 > end || source[at] !== "%" || !HEX.test(hex)) return { char: foldCodePoint(b0), length: 3 };
    const b = parseInt(hex, 16);
    if ((b & 0xc0) !== 0x80) return { char: foldCodePoint(b0), length: 3 };
    cp = (cp << 6) | (b & 0x3f);
  }
  return { char: need === 0 ? foldCodePoint(b0) : foldCodePoint(cp), length: 3 * (need + 1) };
}

/** JSON and JavaScript string escapes: \uXXXX, \u{X…}, \xXX, and the one-character escapes. */
function jsEscapeAt(source: string, i: number, end: number): { char: string; length: number } | null {
  const next = source[i + 1];
  if (next === undefined || i + 1 >= end) return null;
  if (next === "u") {
    const braced = /^\\u\{([0-9a-fA-F]{1,6})\}/.exec(source.slice(i, Math.min(end, i + 10)));
    if (braced?.[1]) return { char: foldCodePoint(parseInt(braced[1], 16)), length: braced[0].length };
    const hex = source.slice(i + 2, i + 6);
    if (i + 6 <= end && /^[0-9a-fA-F]{4}$/.test(hex)) {
      const unit = parseInt(hex, 16);
      // A surrogate pair written as two escapes is one character.
      const low = /^\\u(d[c-f][0-9a-f]{2})/i.exec(source.slice(i + 6, i + 12));
      if (unit >= 0xd800 && unit < 0xdc00 && low?.[1] && i + 12 <= end) {
        const cp = 0x10000 + ((unit - 0xd800) << 10) + (parseInt(low[1], 16) - 0xdc00);
        return { char: foldCodePoint(cp), length: 12 };
      }
      return { char: foldCodePoint(unit), length: 6 };
    }
    return null;
  }
  if (next === "x") {
    const hex = source.slice(i + 2, i + 4);
    return i + 4 <= end && HEX.test(hex) ? { char: foldCodePoint(parseInt(hex, 16)), length: 4 } : null;
  }
  const simple: Record<string, string> = { n: "\n", r: "\n", t: " ", b: " ", f: " ", v: " ", "0": "\u00aa" };
  const mapped = simple[next];
  if (mapped !== undefined) return { char: mapped, length: 2 };
  // \" \' \\ \/ and any other escaped character stand for themselves.
  return { char: next, length: 2 };
}

/** The decoded text of a range, for names and keys (`pass\u0077ord` is "password"). */
export function decodedText(
  source: string,
  start: number,
  end: number,
  decoding: Decoding,
  binary: boolean,
): string {
  let out = "";
  appendDecoded(
    { push: (char) => (out += char), pushRun: (text) => (out += text) },
    source,
    start,
    end,
    decoding,
    binary,
  );
  return out;
}
