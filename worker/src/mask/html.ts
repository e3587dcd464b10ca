import { Parser } from "htmlparser2";
import { applyAction } from "./actions.ts";
import type { MaskContext } from "./context.ts";
import { decodedText } from "./decoders.ts";
import { appendDecoded, SpecialFinder } from "./decoders.ts";
import { maskCss } from "./css.ts";
import { ruleForElement } from "./element-rules.ts";
import { actionPath, DECLARED_ATTRIBUTES, markLogin, type DeclaredField } from "./forms.ts";
import { maskJavaScript } from "./javascript.ts";
import { maskJsonText } from "./json-tokens.ts";
import type { CompiledRule } from "./policy/compile-policy.ts";
import { TextView } from "./text-view.ts";
import { applyEdits, type Edit } from "../util/edits.ts";
import { AS_IS, detectInView, mayHoldValues } from "./value-detection.ts";

/**
 * Masks an HTML (or SVG) document given as a binary string. htmlparser2 (forgiving: malformed HTML is
 * parsed the way browsers recover from it) locates the spans to change; every other byte stays as sent.
 * - Form fields that hold secrets (by input type, autocomplete token, name or id): their `value`, or the
 *   text of a textarea. `<meta name=csrf-token content=...>`: the content.
 * - Elements a selector rule picks (`[data-verbatim-mask]` by default): `value`/`content` and all their text.
 * - Scripts through the JavaScript tokenizer, JSON islands as JSON, `<style>` as CSS.
 * - Value rules over the page's text as a reader sees it (entities decoded, text joined across inline
 *   elements such as `<span>`) and over attributes that carry text or URLs, never geometry, style or code.
 * - Forms are learned (see forms.ts) so that what is posted to them can be masked by what they declared.
 */
type Attribs = Record<string, string>;

/** Inline elements: text on either side of them reads as one run ("4111 <b>1111</b> …"). */
const INLINE_TAGS: ReadonlySet<string> = new Set([
  "a",
  "abbr",
  "b",
  "bdi",
  "bdo",
  "big",
  "cite",
  "code",
  "data",
  "del",
  "dfn",
  "em",
  "font",
  "i",
  "ins",
  "kbd",
  "label",
  "mark",
  "nobr",
  "q",
  "s",
  "samp",
  "small",
  "span",
  "strike",
  "strong",
  "sub",
  "sup",
  "time",
  "tt",
  "u",
  "var",
  "wbr",
  "tspan",
]);

/** Attributes that hold URLs: read through entities and then percent-encoding. */
const URL_ATTRIBUTES: ReadonlySet<string> = new Set([
  "href",
  "src",
  "srcset",
  "action",
  "formaction",
  "cite",
  "data",
  "poster",
  "background",
]);

/** Attributes whose values are text or URLs a page shows or follows; geometry, style and handlers are not. */
const TEXT_ATTRIBUTES: ReadonlySet<string> = new Set([
  ...URL_ATTRIBUTES,
  "value",
  "content",
  "title",
  "alt",
  "placeholder",
  "label",
  "aria-label",
  "aria-description",
  "aria-valuetext",
]);

/** Script types whose text is JSON data; other scripts are code or templates. */
const JSON_SCRIPT = /^(application\/json|application\/ld\+json|text\/json|importmap|speculationrules)$/i;
const JS_SCRIPT =
  /^(|text\/javascript|application\/javascript|module|text\/ecmascript|application\/ecmascript)$/i;
const FORM_FIELDS: ReadonlySet<string> = new Set(["input", "select", "textarea", "button"]);

/** An attribute of a tag's source: name, and where its value sits (offsets into the document). */
const ATTRIBUTE = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"'=<`]+)))?/g;

type AttributeSpan = { name: string; start: number; end: number };

function attributeSpans(html: string, tagStart: number, tagEnd: number): AttributeSpan[] {
  const source = html.slice(tagStart, tagEnd);
  const nameEnd = source.search(/[\s/>]/);
  if (nameEnd < 0) return [];
  const spans: AttributeSpan[] = [];
  ATTRIBUTE.lastIndex = nameEnd;
  for (let m = ATTRIBUTE.exec(source); m !== null; m = ATTRIBUTE.exec(source)) {
    const raw = m[2] ?? m[3] ?? m[4];
    if (raw === undefined || m[1] === undefined) continue;
    const quoted = m[4] === undefined ? 1 : 0;
    const end = tagStart + m.index + m[0].length - quoted;
    spans.push({ name: m[1].toLowerCase(), start: end - raw.length, end });
  }
  return spans;
}

function isBlank(html: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = html.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9 && c !== 12) return false;
  }
  return true;
}

function textAttributeMayHold(attribs: Attribs, ctx: MaskContext): boolean {
  for (const name in attribs) {
    const value = attribs[name];
    if (
      value !== undefined &&
      (TEXT_ATTRIBUTES.has(name) || name.startsWith("data-")) &&
      mayHoldValues(value, ctx)
    )
      return true;
  }
  return false;
}

export function maskHtml(html: string, ctx: MaskContext, binary = true): string {
  return applyEdits(html, htmlEdits(html, ctx, binary));
}

/** The edits that mask an HTML document (see maskHtml), for callers that apply them to bytes. */
export function htmlEdits(html: string, ctx: MaskContext, binary: boolean): Edit[] {
  const edits: Edit[] = [];
  const text = new TextView();
  const finder = new SpecialFinder(html);
  const attributes = new TextView();
  type Masking = { rule: CompiledRule; label: string };
  const open: Array<{ tag: string; masking: Masking | null }> = [];
  const masking = () => open.at(-1)?.masking ?? null;
  let raw: { kind: "js" | "json" | "css" | "other"; start: number; end: number } | null = null;
  let form: { method: string; action: string; fields: DeclaredField[] } | null = null;

  const onTag = (tag: string, attribs: Attribs) => {
    const start = parser.startIndex;
    const end = parser.endIndex + 1;
    if (!INLINE_TAGS.has(tag)) text.break(start);
    const rule = ruleForElement(ctx, tag, attribs);
    const label = rule
      ? `html:${tag}${attribs.name ? `[name=${attribs.name}]` : attribs.id ? `#${attribs.id}` : ""}`
      : "";
    // Most tags hold nothing a value rule could find: only those that might are read attribute by attribute.
    if (rule || textAttributeMayHold(attribs, ctx)) {
      for (const span of attributeSpans(html, start, end)) {
        if (rule && (span.name === "value" || span.name === "content")) {
          const value = decodedText(html, span.start, span.end, "html", binary);
          if (value !== "")
            edits.push({ start: span.start, end: span.end, text: applyAction(rule, value, ctx, label) });
        } else if (TEXT_ATTRIBUTES.has(span.name) || span.name.startsWith("data-")) {
          // URLs carry a second layer, percent-encoding: `?q=%2A4111…` is "*4111…".
          const decoding = URL_ATTRIBUTES.has(span.name) ? "html-url" : "html";
          appendDecoded(attributes, html, span.start, span.end, decoding, binary);
          attributes.break(span.end);
        }
      }
    }
    open.push({ tag, masking: rule ? { rule, label } : masking() });
    if (tag === "form")
      form = { method: (attribs.method ?? "get").toUpperCase(), action: attribs.action ?? "", fields: [] };
    else if (form && FORM_FIELDS.has(tag) && attribs.name) {
      const kept: Record<string, string> = {};
      for (const name of DECLARED_ATTRIBUTES) if (attribs[name] !== undefined) kept[name] = attribs[name];
      form.fields.push({
        name: attribs.name,
        type: tag === "input" ? (attribs.type ?? "text").toLowerCase() : "",
        tag,
        attribs: kept,
        login: false,
      });
    }
    if (tag === "script") {
      const type = (attribs.type ?? "").trim();
      raw = {
        kind: JSON_SCRIPT.test(type) ? "json" : JS_SCRIPT.test(type) ? "js" : "other",
        start: -1,
        end: -1,
      };
    } else if (tag === "style") raw = { kind: "css", start: -1, end: -1 };
  };

  const finishRaw = () => {
    const body = raw;
    raw = null;
    if (!body || body.start < 0) return;
    const source = html.slice(body.start, body.end);
    const masked =
      body.kind === "json"
        ? maskJsonText(source, ctx, "html:script", { binary })
        : body.kind === "js"
          ? maskJavaScript(source, ctx, "html:script", { binary, quotedKeys: true })
          : body.kind === "css"
            ? maskCss(source, ctx, "html:style", binary)
            : source;
    if (masked !== source) edits.push({ start: body.start, end: body.end, text: masked });
  };

  const parser = new Parser(
    {
      onopentag: onTag,
      ontext() {
        const start = parser.startIndex;
        const end = parser.endIndex + 1;
        if (raw) {
          if (raw.start < 0) raw.start = start;
          raw.end = end;
          return;
        }
        const inside = masking();
        if (inside) {
          const value = html.slice(start, end);
          if (value.trim() !== "")
            edits.push({ start, end, text: applyAction(inside.rule, value, ctx, inside.label) });
          return;
        }
        // Every text node goes into the view (the detectors' cues are checked once, over the joined text);
        // white space after a block boundary changes nothing, between inline elements it joins runs.
        if (!text.atBreak || !isBlank(html, start, end))
          appendDecoded(text, html, start, end, "html", binary, finder);
      },
      oncomment() {
        const start = parser.startIndex;
        text.break(start);
        const value = html.slice(start, parser.endIndex + 1);
        if (mayHoldValues(value, ctx)) appendDecoded(text, html, start, parser.endIndex + 1, "html", binary);
        text.break(parser.endIndex + 1);
      },
      onclosetag(tag: string) {
        if (!INLINE_TAGS.has(tag)) text.break(parser.startIndex);
        // htmlparser2 closes every element it opened, implied ones included, innermost first.
        if (open.at(-1)?.tag === tag) open.pop();
        else {
          const index = open.findLastIndex((frame) => frame.tag === tag);
          if (index >= 0) open.length = index;
        }
        if (tag === "script" || tag === "style") finishRaw();
        if (tag === "form" && form) {
          markLogin(form.fields);
          ctx.learnedForms.push({
            method: form.method,
            path: actionPath(form.action, ctx),
            fields: form.fields,
          });
          form = null;
        }
      },
    },
    { decodeEntities: false, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  finishRaw();
  // Base64 blobs travel in attributes (hidden inputs, data-*, URLs), not in the text people read.
  edits.push(
    ...detectInView(text, ctx, "html", AS_IS, false),
    ...detectInView(attributes, ctx, "html:attribute"),
  );
  return edits;
}
