import { charsetOf, classify } from "../snapshot/content-class.ts";
import { binaryToBytes, bytesToBinary } from "../util/binary-string.ts";
import { withEgressGuard } from "./egress-guard.ts";
import { rewriteCss } from "./rewrite-css.ts";
import { rewriteHtml } from "./rewrite-html.ts";
import { rewriteScript } from "./rewrite-script.ts";
import type { SiteOrigin } from "./site-origin.ts";

/**
 * Which recorded bodies are rewritten for replay, by content class. HTML (and SVG, which is markup with
 * `href`s) and CSS carry URLs the browser resolves itself; JS and JSON carry URLs a script resolves, often
 * from an absolute base the server wrote out (rewrite-script.ts points the strings that start with the
 * site's origin at the replay origin being answered). A script's root-relative requests already go to the replay origin; anything else it
 * builds is blocked and listed.
 */
const REWRITERS = {
  html: rewriteHtml,
  css: rewriteCss,
  js: rewriteScript,
  json: rewriteScript,
  svg: rewriteHtml,
} as const satisfies Record<string, Rewriter>;

type Rewriter = (text: string, site: SiteOrigin, replayOrigin: string) => string;

function rewriterFor(contentType: string | null): Rewriter | null {
  const cls = classify(contentType);
  if (cls === "html" || cls === "css" || cls === "js" || cls === "json") return REWRITERS[cls];
  if (cls === "image" && /svg/i.test(contentType ?? "")) return REWRITERS.svg;
  return null;
}

/**
 * The body to send for a recorded one: the same bytes unless an absolute URL to the site had to change, or
 * it is an HTML document (which gets the egress guard).
 * `replayOrigin` is the origin of the replay request being answered (scripts' URLs name it).
 */
export function rewriteBody(
  bytes: Uint8Array,
  contentType: string | null,
  site: SiteOrigin,
  replayOrigin: string,
): Uint8Array {
  const rewrite = rewriterFor(contentType);
  // UTF-16 is the one charset in use that is not ASCII-compatible; such pages are served as recorded.
  const charset = charsetOf(contentType);
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (!rewrite || bytes.length === 0 || utf16 || charset?.startsWith("utf-16")) return bytes;
  const text = bytesToBinary(bytes);
  const html = classify(contentType) === "html";
  // Most pages use root-relative URLs only: skip the parse when the site's host is never written out (an
  // HTML page with a srcdoc frame is parsed all the same: its srcdoc gets the egress guard).
  const parse = site.mentioned.test(text) || (html && /srcdoc/i.test(text));
  const rewritten = parse ? rewrite(text, site, replayOrigin) : text;
  // Every HTML document runs the egress guard first (egress-guard.ts).
  const guarded = html ? withEgressGuard(rewritten) : rewritten;
  return guarded === text ? bytes : binaryToBytes(guarded);
}
