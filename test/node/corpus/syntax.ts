import { parse as parseJs, type Options as JsOptions, type Token } from "acorn";
import type { ChildNode } from "domhandler";
import { parseDocument } from "htmlparser2";
import postcss, { type ChildNode as CssNode } from "postcss";
import type { CorpusExtension } from "./walk.ts";

/**
 * What a body's syntax is, as one comparable string (one line per token, key or node), or null when it
 * does not parse. Two bodies with the same shape differ only where the shape leaves room: string and template
 * text in JavaScript, leaf values in JSON, text and attribute values in HTML and SVG, declaration values in
 * CSS. One string rather than an array of lines: a bundle has a million tokens, and joining is cheap.
 */
type Shape = string;
type Syntax = { parser: string; shape: (text: string) => Shape | null };

const JS_BASE = {
  ecmaVersion: "latest",
  allowHashBang: true,
  allowReturnOutsideFunction: true,
  allowImportExportEverywhere: true,
  allowAwaitOutsideFunction: true,
  allowSuperOutsideMethod: true,
} as const satisfies Omit<JsOptions, "sourceType">;

/** Tokens whose text may change under masking; every other token must stay byte for byte. */
const MASKABLE_TOKENS: ReadonlySet<string> = new Set(["string", "template", "invalidTemplate"]);

/** acorn's tokens, read during a real parse (the tokenizer alone cannot tell a regex from a division). */
function jsShape(text: string): Shape | null {
  for (const sourceType of ["module", "script"] as const) {
    const lines: string[] = [];
    try {
      parseJs(text, {
        ...JS_BASE,
        sourceType,
        onToken: (token: Token) => {
          const label = token.type.label;
          lines.push(MASKABLE_TOKENS.has(label) ? label : text.slice(token.start, token.end));
        },
      });
    } catch {
      // a CommonJS file with `with`, octal literals or a top-level `await` name: try it as a script
      continue;
    }
    return lines.join("\n");
  }
  return null;
}

function jsonShape(text: string): Shape | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const lines: string[] = [];
  const walk = (node: unknown, depth: number): void => {
    const indent = " ".repeat(depth);
    if (Array.isArray(node)) {
      lines.push(`${indent}[${node.length}]`);
      for (const item of node) walk(item, depth + 1);
    } else if (typeof node === "object" && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        lines.push(`${indent}${JSON.stringify(key)}:`);
        walk(child, depth + 1);
      }
    } else {
      lines.push(`${indent}${node === null ? "null" : typeof node}`);
    }
  };
  walk(value, 0);
  return lines.join("\n");
}

/** The element tree htmlparser2 builds: tags, attribute names and nesting (text and values may differ). */
function markupShape(xmlMode: boolean): (text: string) => Shape {
  return (text) => {
    const lines: string[] = [];
    const walk = (nodes: readonly ChildNode[], depth: number): void => {
      let lastWasText = false;
      for (const node of nodes) {
        const indent = " ".repeat(depth);
        if (node.type === "text") {
          // Masking may split or join text runs only if it changed markup; consecutive runs count as one.
          if (!lastWasText) lines.push(`${indent}#text`);
          lastWasText = true;
          continue;
        }
        lastWasText = false;
        if ("attribs" in node) {
          lines.push(`${indent}<${node.name} ${Object.keys(node.attribs).join(" ")}>`);
          walk(node.children, depth + 1);
        } else if (node.type === "comment") lines.push(`${indent}#comment`);
        else if ("children" in node) {
          lines.push(`${indent}#${node.type}`);
          walk(node.children, depth + 1);
        } else lines.push(`${indent}#${node.type} ${node.name}`);
      }
    };
    walk(parseDocument(text, { xmlMode }).children, 0);
    return lines.join("\n");
  };
}

function cssShape(text: string): Shape | null {
  let root: postcss.Root;
  try {
    root = postcss.parse(text);
  } catch {
    return null;
  }
  const lines: string[] = [];
  const walk = (nodes: readonly CssNode[], depth: number): void => {
    const indent = " ".repeat(depth);
    for (const node of nodes) {
      if (node.type === "decl") lines.push(`${indent}${node.prop}:`);
      else if (node.type === "rule") lines.push(`${indent}${node.selector} {`);
      else if (node.type === "atrule") lines.push(`${indent}@${node.name} {`);
      if ("nodes" in node && node.nodes !== undefined) walk(node.nodes, depth + 1);
    }
  };
  walk(root.nodes, 0);
  return lines.join("\n");
}

/** The real parser each served type is checked with. HTML always parses, so its tree is what must hold. */
export const SYNTAX: Readonly<Record<CorpusExtension, Syntax>> = {
  ".js": { parser: "acorn", shape: jsShape },
  ".mjs": { parser: "acorn", shape: jsShape },
  ".json": { parser: "JSON.parse", shape: jsonShape },
  ".html": { parser: "htmlparser2", shape: markupShape(false) },
  ".svg": { parser: "htmlparser2 (xmlMode)", shape: markupShape(true) },
  ".css": { parser: "postcss", shape: cssShape },
};

export type SyntaxVerdict =
  | { kind: "unparsed-before" }
  | { kind: "kept" }
  /** Parsed before masking, not after (for markup: the element tree changed). */
  | { kind: "broken"; detail: string }
  /** Still parses, but masking changed code: a JS token other than a string, a JSON key or type, a CSS selector or property. */
  | { kind: "structure-changed"; detail: string };

/** Compares the syntax of a body before and after masking. */
export function compareSyntax(extension: CorpusExtension, before: string, after: string): SyntaxVerdict {
  const syntax = SYNTAX[extension];
  const shapeBefore = syntax.shape(before);
  if (shapeBefore === null) return { kind: "unparsed-before" };
  const shapeAfter = syntax.shape(after);
  if (shapeAfter === null) return { kind: "broken", detail: `${syntax.parser} rejects the masked body` };
  if (shapeBefore === shapeAfter) return { kind: "kept" };
  const detail = `${syntax.parser}: ${clip(lineAt(shapeBefore, shapeAfter))} became ${clip(lineAt(shapeAfter, shapeBefore))}`;
  const isMarkup = extension === ".html" || extension === ".svg";
  return isMarkup ? { kind: "broken", detail } : { kind: "structure-changed", detail };
}

/** The line of `shape` where it first differs from `other` ("(end)" if it ends there). */
function lineAt(shape: string, other: string): string {
  let i = 0;
  while (i < shape.length && shape.charCodeAt(i) === other.charCodeAt(i)) i++;
  const start = shape.lastIndexOf("\n", i - 1) + 1;
  const end = shape.indexOf("\n", i);
  const line = shape.slice(start, end < 0 ? shape.length : end);
  return start >= shape.length ? "(end)" : line;
}

function clip(text: string): string {
  const flat = text.trim().replace(/\s+/g, " ");
  return JSON.stringify(flat.length > 80 ? `${flat.slice(0, 77)}...` : flat);
}
