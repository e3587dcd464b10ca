/**
 * Whether a value a site sent under a secret-sounding key could be a secret. What a person typed (a request)
 * can be anything, so requests are masked whatever the value. What a site answers under such a key is often
 * metadata: a dependency version under `jsonwebtoken`, a label "Password", a schema's `"type": "string"`.
 * Those stay as sent; anything that could be a credential (digits, mixed case, length) is masked.
 */
const VERSION = /^[\^~<>=v\s]*[0-9]+(?:\.[0-9x*]+){1,3}(?:[-+][\w.]+)?$/;
/** Words as a label, enum or sentence writes them: letters (each word at most capitalised), no digits. */
const LABEL = /^[A-Za-z][a-z]*(?:[ _,.:;'()-]+[A-Za-z][a-z]*)*[.!?:]?$/;
/** A file path or URL path, as package manifests and schemas write them. */
const PATH = /^(?:\.{1,2}\/|\/)[\w@.+/-]*$/;
const LITERALS: ReadonlySet<string> = new Set(["true", "false", "null", "undefined", "none", "n/a"]);

export function plausibleSecret(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed === "" || LITERALS.has(trimmed.toLowerCase())) return false;
  return !VERSION.test(trimmed) && !LABEL.test(trimmed) && !PATH.test(trimmed);
}
