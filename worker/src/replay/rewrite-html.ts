import { Parser } from "htmlparser2";
import { GUARD_TAG_ESCAPED } from "./egress-guard.ts";
import { cssUrlEdits } from "./rewrite-css.ts";
import { scriptUrlEdits } from "./rewrite-script.ts";
import { applyEdits, type Edit } from "../util/edits.ts";
import { leadingSpace, refreshUrlStart, rootRelativeEdit, type SiteOrigin } from "./site-origin.ts";
import { srcsetUrlStarts } from "./srcset.ts";
import { scanAttributes, type AttributeSpan } from "./tag-attributes.ts";
import { urlAttributeKind, type UrlAttributeKind } from "./url-attributes.ts";

/**
 * Rewrites a recorded HTML document (a binary string) for replay: absolute URLs to the recorded site in
 * URL attributes (URL_ATTRIBUTES), refresh directives, inline styles and `<style>` elements become
 * root-relative; in the strings of inline scripts and JSON islands they name `replayOrigin` instead, and
 * stay absolute (rewrite-script.ts says why). htmlparser2 finds the tags
 * (it recovers from malformed HTML the way browsers do, and knows that `<script>`, `<textarea>` and
 * `<title>` hold no tags); every byte outside the changed URL prefixes stays as recorded.
 */

/** The elements whose text is rewritten, and how; a `<script>` only when its type is JS or JSON. */
const RAW_TEXT_EDITS = {
  style: (text, site, _replayOrigin, offset) => cssUrlEdits(text, site, offset),
  script: scriptUrlEdits,
} as const satisfies Record<
  string,
  (text: string, site: SiteOrigin, replayOrigin: string, offset: number) => Edit[]
>;

/**
 * `<script type>` values (lower-cased, parameters dropped) whose text is JavaScript or JSON: a classic
 * script's JavaScript MIME types (HTML §4.12.1 and MIME Sniffing §4.6), modules, import maps, speculation
 * rules and JSON data islands. Other types (`text/x-template`, `text/x-handlebars`) hold markup or text
 * replay does not understand, and stay as recorded.
 */
const SCRIPT_TYPES: ReadonlySet<string> = new Set([
  "",
  "module",
  "importmap",
  "speculationrules",
  "application/ecmascript",
  "application/javascript",
  "application/x-ecmascript",
  "application/x-javascript",
  "text/ecmascript",
  "text/javascript",
  "text/javascript1.0",
  "text/javascript1.1",
  "text/javascript1.2",
  "text/javascript1.3",
  "text/javascript1.4",
  "text/javascript1.5",
  "text/jscript",
  "text/livescript",
  "text/x-ecmascript",
  "text/x-javascript",
  "application/json",
  "text/json",
]);

function rewritesScript(type: string | undefined): boolean {
  const essence = (type ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return SCRIPT_TYPES.has(essence) || essence.endsWith("+json");
}

export function rewriteHtml(html: string, site: SiteOrigin, replayOrigin: string): string {
  const edits: Edit[] = [];
  let raw: { tag: keyof typeof RAW_TEXT_EDITS; start: number; end: number } | null = null;
  let rawTag: keyof typeof RAW_TEXT_EDITS | null = null;

  const parser = new Parser(
    {
      onopentag(name: string, attribs: Record<string, string>) {
        const tagStart = parser.startIndex;
        const tag = html.slice(tagStart, parser.endIndex + 1);
        for (const span of scanAttributes(tag)) {
          if (name === "iframe" && span.name === "srcdoc") edits.push(srcdocGuardEdit(tag, span, tagStart));
          const kind = urlAttributeKind(name, span.name, attribs);
          if (kind === null) continue;
          const value = tag.slice(span.valueStart, span.valueEnd);
          edits.push(...attributeEdits(kind, value, site, tagStart + span.valueStart));
        }
        if (name === "style" || (name === "script" && rewritesScript(attribs["type"]))) {
          rawTag = name;
          raw = null;
        }
      },
      ontext() {
        if (rawTag === null) return;
        const start = raw?.start ?? parser.startIndex;
        raw = { tag: rawTag, start, end: parser.endIndex + 1 };
      },
      onclosetag(name: string) {
        if (name !== rawTag) return;
        rawTag = null;
        if (raw)
          edits.push(
            ...RAW_TEXT_EDITS[raw.tag](html.slice(raw.start, raw.end), site, replayOrigin, raw.start),
          );
        raw = null;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return applyEdits(html, edits);
}

/**
 * A srcdoc document runs in a realm of its own, with the WebRTC constructors the egress guard removed from
 * the page: it gets the guard first (egress-guard.ts). Written escaped (`&lt;`, `&#32;`), so the edit is valid
 * in a quoted and an unquoted attribute value alike; a bare `srcdoc` gets a value.
 */
function srcdocGuardEdit(tag: string, span: AttributeSpan, offset: number): Edit {
  const valued = tag.slice(span.start, span.end).includes("=");
  const at = offset + (valued ? span.valueStart : span.end);
  return { start: at, end: at, text: valued ? GUARD_TAG_ESCAPED : `="${GUARD_TAG_ESCAPED}"` };
}

function attributeEdits(kind: UrlAttributeKind, value: string, site: SiteOrigin, offset: number): Edit[] {
  switch (kind) {
    case "url": {
      const edit = rootRelativeEdit(value, leadingSpace(value), site, offset);
      return edit ? [edit] : [];
    }
    case "srcset":
      return srcsetUrlStarts(value).flatMap((at) => rootRelativeEdit(value, at, site, offset) ?? []);
    case "css":
      return cssUrlEdits(value, site, offset);
    case "refresh": {
      const at = refreshUrlStart(value);
      const edit = at === null ? null : rootRelativeEdit(value, at, site, offset);
      return edit ? [edit] : [];
    }
  }
}
