/**
 * The HTML selectors a policy can use: one compound selector, no combinators, e.g. `input[name=dob]`,
 * `[data-verbatim-mask]`, `#balance`, `td.account-number`, `[autocomplete~=cc-number]`. That covers what a
 * masking rule needs (an element by tag, id, class or attribute) and keeps matching a constant-time check
 * per open tag while streaming.
 */
export type AttributeTest = { name: string; op: "exists" | "equals" | "includes" | "prefix"; value: string };
export type Selector = { tag: string | null; tests: AttributeTest[] };

const TOKEN =
  /^(?:([a-zA-Z][a-zA-Z0-9-]*)|#([\w-]+)|\.([\w-]+)|\[\s*([\w:-]+)\s*(?:(~=|\^=|=)\s*(?:"([^"]*)"|'([^']*)'|([^\]\s]+))\s*)?\])/;

/** Parses a selector or returns the reason it is not supported. */
export function parseSelector(text: string): Selector | string {
  let rest = text.trim();
  if (rest === "") return "is empty";
  if (/[\s>+~,]/.test(rest.replace(/\[[^\]]*\]/g, "")))
    return "uses a combinator or a list (only one compound selector is supported)";
  const selector: Selector = { tag: null, tests: [] };
  let first = true;
  while (rest.length > 0) {
    const m = TOKEN.exec(rest);
    if (!m) return `cannot parse "${rest}"`;
    if (m[1] !== undefined) {
      if (!first) return `tag name "${m[1]}" must come first`;
      selector.tag = m[1].toLowerCase();
    } else if (m[2] !== undefined) selector.tests.push({ name: "id", op: "equals", value: m[2] });
    else if (m[3] !== undefined) selector.tests.push({ name: "class", op: "includes", value: m[3] });
    else if (m[4] !== undefined) {
      const value = m[6] ?? m[7] ?? m[8];
      const op = m[5] === "~=" ? "includes" : m[5] === "^=" ? "prefix" : m[5] === "=" ? "equals" : "exists";
      selector.tests.push({ name: m[4].toLowerCase(), op, value: value ?? "" });
    }
    rest = rest.slice(m[0].length);
    first = false;
  }
  return selector;
}

export function matchesSelector(selector: Selector, tag: string, attribs: Record<string, string>): boolean {
  if (selector.tag !== null && selector.tag !== tag) return false;
  // A loop, not `every` with a closure: this runs for every element of every page.
  for (const test of selector.tests) {
    const actual = attribs[test.name];
    if (actual === undefined) return false;
    switch (test.op) {
      case "exists":
        break;
      case "equals":
        if (actual !== test.value) return false;
        break;
      case "prefix":
        if (!actual.startsWith(test.value)) return false;
        break;
      case "includes":
        if (!actual.split(/\s+/).includes(test.value)) return false;
        break;
    }
  }
  return true;
}
