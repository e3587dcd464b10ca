/**
 * Whether a value a site sent under a secret-sounding key could be a secret. What a person typed (a request)
 * can be anything, so requests are masked whatever the value. What a site answers under such a key is often
 * metadata: a dependency version under `jsonwebtoken`, a description, a schema's `"type": "string"`.
 * Those stay as sent; anything that could be a credential (digits, mixed case, length) is masked.
 */
const VERSION = /^[\^~<>=v\s]*[0-9]+(?:\.[0-9x*]+){1,3}(?:[-+][\w.]+)?$/;
/**
 * Prose: two or more words of letters (each at most capitalised) separated by spaces, as descriptions and
 * messages are written. A single word can be a password, so it is never excused for being a word.
 */
const PROSE = /^[A-Za-z][a-z]*(?:[,.:;'()-]*\s+[A-Za-z][a-z]*)+[.!?:]?$/;
/** The type names of schemas and manifests (`"type": "string"` under a `secret` property). */
const TYPE_NAMES: ReadonlySet<string> = new Set([
  "string",
  "number",
  "integer",
  "boolean",
  "object",
  "array",
]);
/** A file path or URL path, as package manifests and schemas write them. */
const PATH = /^(?:\.{1,2}\/|\/)[\w@.+/-]*$/;
const LITERALS: ReadonlySet<string> = new Set(["true", "false", "null", "undefined", "none", "n/a"]);

export function plausibleSecret(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed === "" || LITERALS.has(trimmed.toLowerCase()) || TYPE_NAMES.has(trimmed)) return false;
  return !VERSION.test(trimmed) && !PROSE.test(trimmed) && !PATH.test(trimmed);
}
