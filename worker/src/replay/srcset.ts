/**
 * Where each candidate URL starts in a `srcset` / `imagesrcset` value, following the HTML spec's "parse a
 * srcset attribute": candidates are separated by commas, a URL is a run of non-whitespace (trailing commas
 * end it), and descriptors run to the next comma outside parentheses. Only the starts are needed: the
 * rewrite replaces an origin prefix and never touches the rest of a candidate.
 */
const WHITESPACE = new Set([" ", "\t", "\n", "\f", "\r"]);

export function srcsetUrlStarts(value: string): number[] {
  const starts: number[] = [];
  let at = 0;
  while (at < value.length) {
    while (at < value.length && (WHITESPACE.has(value.charAt(at)) || value.charAt(at) === ",")) at++;
    if (at >= value.length) break;
    starts.push(at);
    while (at < value.length && !WHITESPACE.has(value.charAt(at))) at++;
    // A URL ending in commas has no descriptors: the next candidate starts right after it.
    if (value.charAt(at - 1) === ",") continue;
    let depth = 0;
    while (at < value.length) {
      const char = value.charAt(at);
      if (char === "(") depth++;
      else if (char === ")" && depth > 0) depth--;
      else if (char === "," && depth === 0) break;
      at++;
    }
  }
  return starts;
}
