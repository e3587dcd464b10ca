import { Parser } from "htmlparser2";
import { applyEdits, type Edit } from "../util/edits.ts";
import { scanAttributes } from "./tag-attributes.ts";

/**
 * Elements whose `integrity` attribute makes the browser check the subresource it fetches, and the
 * attribute that names it (HTML: `<script src>`; `<link>` whose rel has one of these keywords). On any other
 * element, or on a script without `src`, the attribute checks nothing and is left alone.
 */
export const INTEGRITY_ELEMENTS = {
  script: { url: "src", rels: null },
  link: { url: "href", rels: ["stylesheet", "preload", "modulepreload"] },
} as const satisfies Record<string, { url: string; rels: readonly string[] | null }>;

export type IntegrityElement = {
  /** The attribute's value as the browser reads it (entities decoded). */
  integrity: string;
  /** The absolute URL the element fetches, or null when it does not parse. */
  url: string | null;
  /** Removes every `integrity` attribute of the element (a repeated one would take over from the first). */
  removals: Edit[];
};

const SPACE = /[\t\n\f\r ]/;

function integrityRule(name: string, attribs: Readonly<Record<string, string>>): string | null {
  if (!Object.hasOwn(INTEGRITY_ELEMENTS, name)) return null;
  const rule = INTEGRITY_ELEMENTS[name as keyof typeof INTEGRITY_ELEMENTS];
  const rels: readonly string[] | null = rule.rels;
  if (rels !== null) {
    const tokens = (attribs["rel"] ?? "").toLowerCase().split(/[\t\n\f\r ]+/);
    if (!tokens.some((token) => rels.includes(token))) return null;
  }
  return rule.url;
}

function resolve(url: string, base: string): string | null {
  try {
    return new URL(url, base).href;
  } catch {
    return null;
  }
}

/**
 * The elements of a document (a binary string, as replay reads bodies) whose `integrity` the browser
 * would check, with the URL each fetches: resolved against the document's URL, or its first `<base href>`.
 * `decodeUrl` turns an attribute's bytes into the characters the browser reads (the page's charset).
 */
export function integrityElements(
  html: string,
  documentUrl: string,
  decodeUrl: (raw: string) => string = (raw) => raw,
): IntegrityElement[] {
  const found: IntegrityElement[] = [];
  let base: string | null = null;
  const parser = new Parser(
    {
      onopentag(name: string, attribs: Record<string, string>) {
        const href = attribs["href"];
        if (name === "base" && base === null && href !== undefined) {
          base = resolve(decodeUrl(href), documentUrl);
        }
        const integrity = attribs["integrity"];
        const urlAttribute = integrity === undefined ? null : integrityRule(name, attribs);
        const url = urlAttribute === null ? undefined : attribs[urlAttribute];
        if (integrity === undefined || url === undefined) return;
        const tagStart = parser.startIndex;
        const tag = html.slice(tagStart, parser.endIndex + 1);
        found.push({
          integrity,
          url: resolve(decodeUrl(url), base ?? documentUrl),
          removals: scanAttributes(tag)
            .filter((span) => span.name === "integrity")
            .map((span) => {
              // The white space that introduced the attribute goes with it, unless the next attribute
              // follows with none of its own (`integrity="x"src=y`): it then keeps the two apart.
              const next = tag.charAt(span.end);
              let start = span.start;
              if (next === "" || next === ">" || SPACE.test(next)) {
                while (start > 0 && SPACE.test(tag.charAt(start - 1))) start--;
              }
              return { start: tagStart + start, end: tagStart + span.end, text: "" };
            }),
        });
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return found;
}

/** The document without the `integrity` attributes of these elements; every other byte as it was. */
export function withoutIntegrity(html: string, elements: readonly IntegrityElement[]): string {
  return applyEdits(
    html,
    elements.flatMap((element) => element.removals),
  );
}
