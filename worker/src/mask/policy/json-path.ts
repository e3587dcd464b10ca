/**
 * JSONPath subset for policies: `$` then `.name`, `['name']`, `[3]`, `[*]`, `.*` and `..name` (any depth).
 * Paths are matched against the scanner's position in the document, a list of keys and indexes.
 */
export type PathSegment =
  { kind: "key"; name: string } | { kind: "index"; index: number } | { kind: "any" } | { kind: "descend" };
export type JsonPath = PathSegment[];
export type Position = ReadonlyArray<string | number>;

const SEGMENT =
  /^(?:\.\.([\w$-]+)|\.([\w$-]+)|\.\*|\[\s*\*\s*\]|\[\s*(\d+)\s*\]|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\])/;

export function parseJsonPath(text: string): JsonPath | string {
  if (!text.startsWith("$")) return 'must start with "$"';
  const path: JsonPath = [];
  let rest = text.slice(1);
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (!m) return `cannot parse "${rest}"`;
    if (m[1] !== undefined) path.push({ kind: "descend" }, { kind: "key", name: m[1] });
    else if (m[2] !== undefined) path.push({ kind: "key", name: m[2] });
    else if (m[3] !== undefined) path.push({ kind: "index", index: Number(m[3]) });
    else if (m[4] !== undefined || m[5] !== undefined) path.push({ kind: "key", name: m[4] ?? m[5] ?? "" });
    else path.push({ kind: "any" });
    rest = rest.slice(m[0].length);
  }
  if (path.length === 0) return "selects the whole document; use a url rule to redact whole bodies";
  return path;
}

export function matchesJsonPath(path: JsonPath, position: Position, p = 0, q = 0): boolean {
  if (p === path.length) return q === position.length;
  const segment = path[p];
  if (!segment) return false;
  if (segment.kind === "descend") {
    for (let skip = q; skip <= position.length; skip++)
      if (matchesJsonPath(path, position, p + 1, skip)) return true;
    return false;
  }
  if (q >= position.length) return false;
  const here = position[q];
  const ok =
    segment.kind === "any" ||
    (segment.kind === "key" && here === segment.name) ||
    (segment.kind === "index" && here === segment.index);
  return ok && matchesJsonPath(path, position, p + 1, q + 1);
}

export function formatPosition(position: Position): string {
  return `$${position.map((part) => (typeof part === "number" ? `[${part}]` : /^[\w$-]+$/.test(part) ? `.${part}` : `['${part}']`)).join("")}`;
}
