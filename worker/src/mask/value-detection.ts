import { applyAction, maskedPositions } from "./actions.ts";
import type { MaskContext } from "./context.ts";
import { mayHoldCard } from "./card-detector.ts";
import { DETECTORS, hasCue, type Hit } from "./detectors.ts";
import type { CompiledRule } from "./policy/compile-policy.ts";
import { TextView } from "./text-view.ts";
import { appendDecoded, type Decoding } from "./decoders.ts";
import { applyEdits, type Edit } from "../util/edits.ts";
import { isCardNumber } from "./card-numbers.ts";
import { ibanValid } from "./iban.ts";

/** How a replacement is written back where the value was found (percent-encoded in a form, as is elsewhere). */
export type Escape = (text: string) => string;
export const AS_IS: Escape = (text) => text;

/** Checks a custom `value` pattern's match must pass too (the pattern alone over-matches). */
const VALIDATORS = {
  "luhn-card": (match: string) => isCardNumber(match.replace(/[^0-9]/g, "")),
  iban: (match: string) => ibanValid(match),
} as const;

/** Every value-rule finding in a view, as edits of the original source. Findings never overlap. */
export function detectInView(
  view: TextView,
  ctx: MaskContext,
  location: string,
  escape: Escape = AS_IS,
  base64 = true,
): Edit[] {
  if (view.length === 0 || ctx.valueRules.length === 0) return [];
  const text = view.toString();
  const claimed: Array<[number, number]> = [];
  const edits: Edit[] = [];
  // One scan for every detector's letter cue; most texts have none, and then only cards are looked for.
  const lettered = cuePattern(ctx.valueRules)?.test(text) ?? false;
  for (const rule of ctx.valueRules) {
    for (const hit of findHits(rule, text, lettered)) {
      if (claimed.some(([a, b]) => hit.start < b && a < hit.end)) continue;
      const target = hit.kind ? ctx.ruleById(hit.kind) : rule;
      if (!target) continue;
      claimed.push([hit.start, hit.end]);
      edits.push(...editsFor(view, text, hit, target, ctx, location, escape));
    }
  }
  if (base64) edits.push(...base64Edits(view, text, claimed, ctx, location, escape));
  return edits;
}

/** Base64 runs long enough to hold a credential; shorter ones are ids and hashes. */
const MIN_BASE64 = 24;

function isBase64Char(c: number): boolean {
  return (
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    (c >= 48 && c <= 57) ||
    c === 43 ||
    c === 47 ||
    c === 95 ||
    c === 45
  );
}

/** Maximal base64 runs (with their `=` padding) of at least MIN_BASE64 characters, in one pass. */
function base64Runs(text: string): Array<{ start: number; end: number }> {
  const runs: Array<{ start: number; end: number }> = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && isBase64Char(text.charCodeAt(i))) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i - start >= MIN_BASE64) {
      let end = i;
      while (end < text.length && end - i < 2 && text.charCodeAt(end) === 61 /* = */) end++;
      runs.push({ start, end });
    }
    start = -1;
  }
  return runs;
}
const MAX_BASE64 = 64 * 1024;

/**
 * Base64 segments that hold text (`{"card":"4111…"}` base64'd into a cookie-like field or a data: URI) are
 * decoded, masked as text and re-encoded in the same alphabet, replacing the segment.
 */
function base64Edits(
  view: TextView,
  text: string,
  claimed: ReadonlyArray<readonly [number, number]>,
  ctx: MaskContext,
  location: string,
  escape: Escape,
): Edit[] {
  const edits: Edit[] = [];
  for (const { start, end } of base64Runs(text)) {
    const run = text.slice(start, end);
    if (run.length > MAX_BASE64 || claimed.some(([a, b]) => start < b && a < end)) continue;
    const decoded = decodeBase64Text(run);
    if (decoded === null || !mayHoldValues(decoded, ctx)) continue;
    const inner = viewOf(decoded, 0, decoded.length, "plain", true);
    const innerEdits = detectInView(inner, ctx, `${location}:base64`);
    if (innerEdits.length === 0) continue;
    const masked = applyEdits(decoded, innerEdits);
    const urlSafe = /[-_]/.test(run);
    let encoded = btoa(masked);
    if (urlSafe) encoded = encoded.replace(/\+/g, "-").replace(/\//g, "_");
    if (!run.endsWith("=")) encoded = encoded.replace(/=+$/, "");
    edits.push({ start: view.start(start), end: view.end(end - 1), text: escape(encoded) });
  }
  return edits;
}

/** The bytes (as a binary string) of a base64 run, when they read as text; null otherwise. */
function decodeBase64Text(run: string): string | null {
  const standard = run.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (standard.length % 4 === 1) return null;
  let bytes: string;
  try {
    bytes = atob(standard + "=".repeat((4 - (standard.length % 4)) % 4));
  } catch {
    return null;
  }
  let printable = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13 || c >= 0x80) printable++;
  }
  // Text, not a hash or an image: nearly every byte printable and a good share ASCII letters or digits.
  if (printable < bytes.length * 0.95) return null;
  return /[0-9]{4}|eyJ|[A-Za-z]{4}/.test(bytes) ? bytes : null;
}

function findHits(rule: CompiledRule, text: string, lettered: boolean): Hit[] {
  if (rule.detector) {
    const detector = DETECTORS[rule.detector];
    // A loop cue (cards) costs as much as the detector's own single pass: run the detector directly.
    if (typeof detector.cue === "function") return detector.find(text);
    return lettered && hasCue(detector, text) ? detector.find(text) : [];
  }
  const pattern = rule.value;
  if (!pattern) return [];
  const validate = rule.validate ? VALIDATORS[rule.validate] : null;
  const hits: Hit[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (m[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    if (!validate || validate(m[0])) hits.push({ start: m.index, end: m.index + m[0].length });
    if (!pattern.global) break;
  }
  return hits;
}

/**
 * A `mask` keeps the value's shape: each masked letter or digit is replaced where it was written (an
 * entity, an escape, a full-width digit), separators stay as written. Other actions replace the whole span.
 */
function editsFor(
  view: TextView,
  text: string,
  hit: Hit,
  rule: CompiledRule,
  ctx: MaskContext,
  location: string,
  escape: Escape,
): Edit[] {
  const value = text.slice(hit.start, hit.end);
  if (rule.action === "mask") {
    ctx.add(rule.id, location, value);
    return maskedPositions(value, rule.keepLast).map((offset) => ({
      start: view.start(hit.start + offset),
      end: view.end(hit.start + offset),
      text: rule.maskChar,
    }));
  }
  return [
    {
      start: view.start(hit.start),
      end: view.end(hit.end - 1),
      text: escape(applyAction(rule, value, ctx, location)),
    },
  ];
}

/** A view over one range of a source, decoded one layer. */
export function viewOf(
  source: string,
  start: number,
  end: number,
  decoding: Decoding,
  binary: boolean,
): TextView {
  const view = new TextView();
  appendDecoded(view, source, start, end, decoding, binary);
  return view;
}

/**
 * One pattern for the letter cues of a rule set's detectors (cards are found by a loop), compiled once per
 * distinct set: each exchange's context has its own rule array, but the sets repeat.
 */
const cuePatterns = new Map<string, RegExp | null>();
const cueKeys = new WeakMap<readonly CompiledRule[], string>();

function cuePattern(rules: readonly CompiledRule[]): RegExp | null {
  let key = cueKeys.get(rules);
  if (key === undefined) {
    const sources: string[] = [];
    for (const rule of rules) {
      const cue = rule.detector ? DETECTORS[rule.detector].cue : null;
      if (cue instanceof RegExp) sources.push(`(?:${cue.source})`);
    }
    key = sources.join("|");
    cueKeys.set(rules, key);
  }
  let pattern = cuePatterns.get(key);
  if (pattern === undefined) {
    pattern = key === "" ? null : new RegExp(key);
    if (cuePatterns.size < 64) cuePatterns.set(key, pattern);
  }
  return pattern;
}

/**
 * Whether any value rule could fire on this raw text: a detector's cue, or an encoding (entity, escape,
 * percent, non-ASCII byte) under which a cue could hide. A custom pattern could match anything. Written as
 * loops where regexes would backtrack over digit-heavy text.
 */
export function mayHoldValues(raw: string, ctx: MaskContext): boolean {
  const rules = ctx.valueRules;
  if (rules.length === 0) return false;
  if (rules.some((rule) => rule.detector === null)) return true;
  if (hasEncoding(raw)) return true;
  if (rules.some((rule) => rule.detector === "card-number") && mayHoldCard(raw)) return true;
  return cuePattern(rules)?.test(raw) ?? false;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Entities, JS escapes, percent-encoding or non-ASCII: text whose view differs from its bytes. */
function hasEncoding(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 0x80) return true;
    if (c === 38 /* & */) {
      const next = raw.charCodeAt(i + 1);
      if (next === 35 /* # */ || (next >= 97 && next <= 122)) return true;
    } else if (c === 92 /* \ */) {
      const next = raw.charCodeAt(i + 1);
      if (next === 117 || next === 120) return true;
    } else if (c === 37 /* % */ && isHex(raw.charCodeAt(i + 1)) && isHex(raw.charCodeAt(i + 2))) return true;
  }
  return false;
}
