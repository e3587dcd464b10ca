import jsTokens, { type Token } from "js-tokens";
import { applyEdits, type Edit } from "../util/edits.ts";
import type { SiteOrigin } from "./site-origin.ts";

/**
 * Absolute URLs to the recorded site inside JavaScript and JSON point at the replay origin instead, and stay
 * absolute. Single-page apps build their API URLs from an absolute base the server wrote into a script or a
 * JSON answer (Verdaccio's `window.__VERDACCIO_BASENAME_UI_OPTIONS = {"base":"http://127.0.0.1:35809/"}`);
 * replayed as recorded, every call would leave the replay origin and be blocked by the replay CSP. They
 * stay absolute (unlike HTML attributes and CSS, which the browser resolves itself) because scripts test
 * them as URLs: Verdaccio shows its tarball button only when `isURL(link, {require_protocol: true})`
 * accepts the link, which a root-relative one fails.
 *
 * The text is read with js-tokens (the ECMAScript lexical grammar, as the masker reads scripts), so code,
 * regular expressions and comments are never touched. JSON is a subset of JavaScript's expression syntax
 * and tokenizes the same way. Only a string that STARTS with the site's origin changes, and only that
 * prefix: a URL written after other text ("see http://…", HTML inside a string) is not a URL the app
 * resolves as-is, and template text after a `${…}` is not the start of a string.
 */

/** Tokens whose content is the start of a string value; template pieces after a substitution are not. */
const STRING_STARTS = {
  StringLiteral: { open: 1, close: 1 },
  NoSubstitutionTemplate: { open: 1, close: 1 },
  TemplateHead: { open: 1, close: 2 },
} as const satisfies Record<string, { open: number; close: number }>;

/** Punctuators after which a string followed by `:` is an object key (a property name, not a value). */
const KEY_BEFORE: ReadonlySet<string> = new Set(["{", ","]);

type Candidate = { edit: Edit; before: string | null };

/**
 * Edits for the script or JSON in `text`, at `offset` in the surrounding text. `replayOrigin` is the origin
 * of the replay request being answered (`http://<session>--<page view>.replay.localhost:8787`), so the
 * bytes are the same on every load of one page view's replay origin.
 */
export function scriptUrlEdits(text: string, site: SiteOrigin, replayOrigin: string, offset = 0): Edit[] {
  const edits: Edit[] = [];
  let at = 0;
  let before: string | null = null;
  // A string's edit waits for the next significant token: followed by `:` after `{` or `,`, it was a key.
  let pending: Candidate | null = null;
  for (const token of jsTokens(text)) {
    const start = at;
    at += token.value.length;
    if (token.type === "WhiteSpace" || token.type === "LineTerminatorSequence") continue;
    if (token.type.endsWith("Comment")) continue;
    if (pending && !(token.value === ":" && pending.before !== null && KEY_BEFORE.has(pending.before))) {
      edits.push(pending.edit);
    }
    pending = null;
    const edit = stringStartEdit(token, start, site, replayOrigin, offset);
    if (edit) pending = { edit, before };
    before = token.value;
  }
  if (pending) edits.push(pending.edit);
  return edits;
}

export function rewriteScript(text: string, site: SiteOrigin, replayOrigin: string): string {
  return applyEdits(text, scriptUrlEdits(text, site, replayOrigin));
}

function stringStartEdit(
  token: Token,
  start: number,
  site: SiteOrigin,
  replayOrigin: string,
  offset: number,
): Edit | null {
  if (!isStringStart(token.type)) return null;
  // An unclosed string is a script that does not parse: nothing in it is a URL the app uses.
  if ("closed" in token && !token.closed) return null;
  const shape = STRING_STARTS[token.type];
  const content = token.value.slice(shape.open, token.value.length - shape.close);
  const match = site.literalPrefix.exec(content);
  if (!match) return null;
  const from = offset + start + shape.open;
  return { start: from, end: from + match[0].length, text: replacementFor(match[0], replayOrigin) };
}

function isStringStart(type: string): type is keyof typeof STRING_STARTS {
  return Object.hasOwn(STRING_STARTS, type);
}

/**
 * What the origin prefix becomes: the replay origin, its slashes escaped when the recorded prefix escaped
 * them (`http:\/\/shop.example`, as PHP's json_encode writes), so the string reads as it did. Whatever
 * followed the prefix (a path, a query, nothing) follows the replay origin unchanged: the result is an
 * absolute URL, so a path that starts with two slashes (`//evil.example/x`) stays a path on the replay
 * origin, and a bare origin stays a bare origin that `base + "/api/x"` joins as before.
 */
function replacementFor(prefix: string, replayOrigin: string): string {
  return prefix.includes("\\/") ? replayOrigin.replaceAll("/", "\\/") : replayOrigin;
}
