import { Parser } from "htmlparser2";
import { applyAction } from "./actions.ts";
import { selectsField, type MaskContext } from "./context.ts";
import { applyEdits, type Edit } from "../util/edits.ts";
import { maskJsonText } from "./json-tokens.ts";
import { normaliseFieldName, type CompiledRule } from "./policy/compile-policy.ts";
import { matchesSelector } from "./policy/selector.ts";
import { maskValues } from "./value-rules.ts";

/**
 * Masks an HTML document given as a binary string. htmlparser2 (forgiving: malformed HTML is parsed the way
 * browsers recover from it) locates the spans to change; every other byte of the page stays as sent.
 * - Form fields that hold secrets (by input type, autocomplete token, name or id): their `value`, or the text
 *   of a textarea. `<meta name=csrf-token content=...>`: the content.
 * - Elements a selector rule picks (`[data-verbatim-mask]` by default): `value`/`content` and all their text.
 * - Inline scripts and JSON islands: keys that hold secrets and JSONPath rules (see json-tokens.ts).
 * Then value-pattern rules (cards, IBANs, JWTs, bearer tokens) over the whole page, text and attributes.
 */
type Attribs = Record<string, string>;

const FIELD_ELEMENTS = new Set(["input", "textarea", "select", "option", "button"]);
const VALUE_ATTRIBUTE = /\svalue\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"'=<`]+))/i;
const CONTENT_ATTRIBUTE = /\scontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"'=<`]+))/i;
/** Script types whose text is data or code (scanned for secret keys); templates and the like are left alone. */
const SCRIPT_TYPES =
  /^(|text\/javascript|application\/javascript|module|application\/json|application\/ld\+json|text\/json|importmap)$/i;

/** The first rule (in policy order) that selects this element. */
export function ruleForElement(ctx: MaskContext, tag: string, attribs: Attribs): CompiledRule | null {
  // Most tags (div, td, a, span) are neither form fields nor meta and have no autocomplete token: only
  // selector rules can pick them, so they skip the name checks.
  if (!FIELD_ELEMENTS.has(tag) && tag !== "meta" && attribs.autocomplete === undefined) {
    for (const rule of ctx.elementSelectorRules)
      if (matchesSelector(rule.selector, tag, attribs)) return rule;
    return null;
  }
  const type = (attribs.type ?? "").toLowerCase();
  const tokens = (attribs.autocomplete ?? "").toLowerCase().split(/\s+/);
  const isField = FIELD_ELEMENTS.has(tag);
  const name = normaliseFieldName(attribs.name ?? "");
  const id = normaliseFieldName(attribs.id ?? "");
  for (const rule of ctx.rules) {
    if (isField && rule.inputTypes.has(type)) return rule;
    if (rule.autocomplete.size > 0 && tokens.some((t) => rule.autocomplete.has(t))) return rule;
    if (
      (isField || tag === "meta") &&
      (selectsField(rule, name, "html") || (isField && selectsField(rule, id, "html")))
    )
      return rule;
    if (rule.selector && matchesSelector(rule.selector, tag, attribs)) return rule;
  }
  return null;
}

export function maskHtml(html: string, ctx: MaskContext): string {
  const edits: Edit[] = [];
  // Each open element carries the innermost masking element around it (itself or inherited), so deep
  // nesting costs O(1) per tag.
  type Masking = { rule: CompiledRule; label: string };
  const open: Array<{ tag: string; masking: Masking | null }> = [];
  let scriptIsData = false;
  const masking = () => open.at(-1)?.masking ?? null;

  const maskAttribute = (pattern: RegExp, rule: CompiledRule, location: string) => {
    const start = parser.startIndex;
    const tag = html.slice(start, parser.endIndex + 1);
    const match = pattern.exec(tag);
    if (!match) return;
    const raw = match[1] ?? match[2] ?? match[3] ?? "";
    const valueStart = start + match.index + match[0].length - raw.length - (match[3] === undefined ? 1 : 0);
    edits.push({
      start: valueStart,
      end: valueStart + raw.length,
      text: applyAction(rule, raw, ctx, location),
    });
  };

  const parser = new Parser(
    {
      onopentag(tag: string, attribs: Attribs) {
        const rule = ruleForElement(ctx, tag, attribs);
        const label = rule
          ? `html:${tag}${attribs.name ? `[name=${attribs.name}]` : attribs.id ? `#${attribs.id}` : ""}`
          : "";
        if (rule) {
          if (attribs.value !== undefined) maskAttribute(VALUE_ATTRIBUTE, rule, label);
          if (attribs.content !== undefined) maskAttribute(CONTENT_ATTRIBUTE, rule, label);
        }
        open.push({ tag, masking: rule ? { rule, label } : masking() });
        if (tag === "script") scriptIsData = SCRIPT_TYPES.test((attribs.type ?? "").trim());
      },
      ontext() {
        const start = parser.startIndex;
        const end = parser.endIndex + 1;
        const raw = html.slice(start, end);
        const inside = masking();
        if (inside) {
          if (raw.trim() !== "")
            edits.push({ start, end, text: applyAction(inside.rule, raw, ctx, inside.label) });
        } else if (scriptIsData) {
          const masked = maskJsonText(raw, ctx, "html:script");
          if (masked !== raw) edits.push({ start, end, text: masked });
        }
      },
      onclosetag(tag: string) {
        // htmlparser2 closes every element it opened, implied ones included, innermost first.
        if (open.at(-1)?.tag === tag) open.pop();
        else {
          const index = open.findLastIndex((frame) => frame.tag === tag);
          if (index >= 0) open.length = index;
        }
        if (tag === "script") scriptIsData = false;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return maskValues(applyEdits(html, edits), ctx, "html");
}
