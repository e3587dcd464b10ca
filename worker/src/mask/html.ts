import { Parser } from "htmlparser2";
import { maskCardNumbers } from "./card-numbers.ts";
import {
  AUTOCOMPLETE_RULES,
  INPUT_TYPE_RULES,
  ruleById,
  ruleForField,
  type FieldRule,
} from "./field-rules.ts";
import { maskFieldValue } from "./field-value.ts";
import { maskJsonText } from "./json-tokens.ts";
import type { MaskReport } from "./report.ts";
import { applyEdits, type Edit } from "./edits.ts";

/**
 * Masks an HTML document given as a binary string. htmlparser2 (forgiving, so malformed HTML is parsed the
 * way browsers recover from it) locates the spans to change; every other byte of the page stays as sent:
 * - `value` of inputs that hold secrets (by type, autocomplete token, name or id) and the text of such textareas;
 * - `content` of `<meta>` tags whose name is a secret (csrf-token);
 * - keys that hold secrets in inline scripts and JSON islands (`<script type="application/json">`, `window.__STATE__ = {...}`);
 * then card numbers anywhere in the page, text and attributes alike.
 */
type Attribs = Record<string, string>;

const FIELD_ELEMENTS = new Set(["input", "textarea", "select", "option"]);
const VALUE_ATTRIBUTE = /\svalue\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"'=<`]+))/i;
const CONTENT_ATTRIBUTE = /\scontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"'=<`]+))/i;
/** Script types whose text is data or code (scanned for secret keys); templates and the like are left alone. */
const SCRIPT_TYPES =
  /^(|text\/javascript|application\/javascript|module|application\/json|application\/ld\+json|text\/json|importmap)$/i;

export function ruleForInput(attribs: Attribs): FieldRule | null {
  const byType = INPUT_TYPE_RULES[(attribs.type ?? "").toLowerCase()];
  if (byType) return ruleById(byType);
  const tokens = (attribs.autocomplete ?? "").toLowerCase().split(/\s+/);
  for (const token of tokens.reverse()) {
    const byAutocomplete = AUTOCOMPLETE_RULES[token];
    if (byAutocomplete) return ruleById(byAutocomplete);
  }
  return ruleForField(attribs.name ?? "") ?? ruleForField(attribs.id ?? "");
}

export function maskHtml(html: string, report: MaskReport): string {
  const edits: Edit[] = [];
  let textareaRule: FieldRule | null = null;
  let textareaName = "";
  let scriptIsData = false;

  const maskAttribute = (pattern: RegExp, rule: FieldRule, location: string) => {
    const start = parser.startIndex;
    const tag = html.slice(start, parser.endIndex + 1);
    const match = pattern.exec(tag);
    if (!match) return;
    const raw = match[1] ?? match[2] ?? match[3] ?? "";
    const valueStart = start + match.index + match[0].length - raw.length - (match[3] === undefined ? 1 : 0);
    edits.push({
      start: valueStart,
      end: valueStart + raw.length,
      text: maskFieldValue(rule, raw, report, location),
    });
  };

  const parser = new Parser(
    {
      onopentag(name: string, attribs: Attribs) {
        if (FIELD_ELEMENTS.has(name)) {
          const rule = ruleForInput(attribs);
          if (name === "textarea") {
            textareaRule = rule;
            textareaName = attribs.name ?? "";
          } else if (rule && attribs.value !== undefined) {
            maskAttribute(VALUE_ATTRIBUTE, rule, `html:input[name=${attribs.name ?? attribs.id ?? ""}]`);
          }
        } else if (name === "meta" && attribs.content !== undefined) {
          const rule = ruleForField(attribs.name ?? "") ?? ruleForField(attribs.property ?? "");
          if (rule) maskAttribute(CONTENT_ATTRIBUTE, rule, `html:meta[name=${attribs.name ?? ""}]`);
        } else if (name === "script") {
          scriptIsData = SCRIPT_TYPES.test((attribs.type ?? "").trim());
        }
      },
      ontext() {
        const start = parser.startIndex;
        const end = parser.endIndex + 1;
        if (textareaRule) {
          const raw = html.slice(start, end);
          edits.push({
            start,
            end,
            text: maskFieldValue(textareaRule, raw, report, `html:textarea[name=${textareaName}]`),
          });
        } else if (scriptIsData) {
          const raw = html.slice(start, end);
          const masked = maskJsonText(raw, report, "html:script");
          if (masked !== raw) edits.push({ start, end, text: masked });
        }
      },
      onclosetag(name: string) {
        if (name === "textarea") textareaRule = null;
        if (name === "script") scriptIsData = false;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return maskCardNumbers(applyEdits(html, edits), report, "html");
}
