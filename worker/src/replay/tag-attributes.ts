/**
 * Where each attribute's value sits inside one start tag's source text (`<img src="a" alt=b>`), following
 * the HTML tokenizer's attribute states. htmlparser2 reports a tag's start and end but only decoded values;
 * the rewrite needs the raw spans so it can change a URL's prefix and leave every other byte as sent.
 */
export type AttributeSpan = {
  /** Lower-cased, as the parser reports names. */
  name: string;
  /** Offsets into the tag text of the whole attribute: its name up to the end of its value, quote included. */
  start: number;
  end: number;
  /** Offsets into the tag text; equal when the attribute has no value. */
  valueStart: number;
  valueEnd: number;
};

const SPACE = /[\t\n\f\r ]/;

export function scanAttributes(tag: string): AttributeSpan[] {
  const spans: AttributeSpan[] = [];
  let at = 1;
  while (at < tag.length && !SPACE.test(tag.charAt(at)) && tag.charAt(at) !== ">" && tag.charAt(at) !== "/")
    at++;
  for (;;) {
    while (at < tag.length && (SPACE.test(tag.charAt(at)) || tag.charAt(at) === "/")) at++;
    if (at >= tag.length || tag.charAt(at) === ">") return spans;
    const nameStart = at;
    // The first character is part of the name even when it is "=" (tokenizer: "unexpected equals sign").
    at++;
    while (at < tag.length && !SPACE.test(tag.charAt(at)) && !"/>=".includes(tag.charAt(at))) at++;
    const name = tag.slice(nameStart, at).toLowerCase();
    let look = at;
    while (look < tag.length && SPACE.test(tag.charAt(look))) look++;
    if (tag.charAt(look) !== "=") {
      spans.push({ name, start: nameStart, end: at, valueStart: at, valueEnd: at });
      continue;
    }
    at = look + 1;
    while (at < tag.length && SPACE.test(tag.charAt(at))) at++;
    const quote = tag.charAt(at);
    if (quote === '"' || quote === "'") {
      const close = tag.indexOf(quote, at + 1);
      const end = close < 0 ? tag.length : close;
      const valueStart = at + 1;
      at = Math.min(end + 1, tag.length);
      spans.push({ name, start: nameStart, end: at, valueStart, valueEnd: end });
    } else {
      const start = at;
      while (at < tag.length && !SPACE.test(tag.charAt(at)) && tag.charAt(at) !== ">") at++;
      spans.push({ name, start: nameStart, end: at, valueStart: start, valueEnd: at });
    }
  }
}
