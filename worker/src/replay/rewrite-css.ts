import { applyEdits, type Edit } from "../util/edits.ts";
import { rootRelativeEdit, type SiteOrigin } from "./site-origin.ts";

/**
 * Absolute URLs to the recorded site in CSS (`url(...)`, `@import "..."`) become root-relative. Works on a
 * stylesheet, a `<style>` element and an inline `style` attribute alike; in an attribute the quotes may be
 * character references (`url(&quot;...&quot;)`).
 */
const QUOTE = String.raw`(?:"|'|&quot;|&#0*34;|&#x0*22;|&apos;|&#0*39;|&#x0*27;)`;
const URL_STARTS: readonly RegExp[] = [
  new RegExp(String.raw`url\(\s*${QUOTE}?\s*`, "gi"),
  new RegExp(String.raw`@import\s*${QUOTE}\s*`, "gi"),
];

/** Edits for the CSS in `css`, at `offset` in the surrounding text. */
export function cssUrlEdits(css: string, site: SiteOrigin, offset = 0): Edit[] {
  const edits: Edit[] = [];
  for (const pattern of URL_STARTS) {
    for (const match of css.matchAll(pattern)) {
      const edit = rootRelativeEdit(css, match.index + match[0].length, site, offset);
      if (edit) edits.push(edit);
    }
  }
  return edits;
}

export function rewriteCss(css: string, site: SiteOrigin): string {
  return applyEdits(css, cssUrlEdits(css, site));
}
