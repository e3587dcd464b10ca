import { Parser } from "htmlparser2";
import { cssUrlEdits } from "./rewrite-css.ts";
import { applyEdits, type Edit } from "../util/edits.ts";
import { leadingSpace, refreshUrlStart, rootRelativeEdit, type SiteOrigin } from "./site-origin.ts";
import { srcsetUrlStarts } from "./srcset.ts";
import { scanAttributes } from "./tag-attributes.ts";
import { urlAttributeKind, type UrlAttributeKind } from "./url-attributes.ts";

/**
 * Rewrites a recorded HTML document (a binary string) for replay: absolute URLs to the recorded site in
 * URL attributes (URL_ATTRIBUTES), refresh directives, inline styles and `<style>` elements become
 * root-relative. htmlparser2 finds the tags (it recovers from malformed HTML the way browsers do, and
 * knows that `<script>`, `<textarea>` and `<title>` hold no tags); every byte outside the changed URL
 * prefixes stays as recorded. Scripts are not rewritten: their same-origin requests already land on the
 * replay origin.
 */
export function rewriteHtml(html: string, site: SiteOrigin): string {
  const edits: Edit[] = [];
  let style: { start: number; end: number } | null = null;
  let inStyle = false;

  const parser = new Parser(
    {
      onopentag(name: string, attribs: Record<string, string>) {
        const tagStart = parser.startIndex;
        const tag = html.slice(tagStart, parser.endIndex + 1);
        for (const span of scanAttributes(tag)) {
          const kind = urlAttributeKind(name, span.name, attribs);
          if (kind === null) continue;
          const value = tag.slice(span.valueStart, span.valueEnd);
          edits.push(...attributeEdits(kind, value, site, tagStart + span.valueStart));
        }
        if (name === "style") {
          inStyle = true;
          style = null;
        }
      },
      ontext() {
        if (!inStyle) return;
        const start = style?.start ?? parser.startIndex;
        style = { start, end: parser.endIndex + 1 };
      },
      onclosetag(name: string) {
        if (name !== "style") return;
        inStyle = false;
        if (style) edits.push(...cssUrlEdits(html.slice(style.start, style.end), site, style.start));
        style = null;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return applyEdits(html, edits);
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
