import { describe, expect, it } from "vitest";
import { changedSpans } from "./corpus/changed-spans.ts";
import { shapeOf } from "./corpus/secret-shapes.ts";
import { compareSyntax } from "./corpus/syntax.ts";
import type { CorpusExtension } from "./corpus/walk.ts";

describe("changedSpans", () => {
  it.each([
    ["no change", "abc", "abc", []],
    [
      "one value replaced by a longer token",
      `{"a":"4111111111111111","b":1}`,
      `{"a":"[REDACTED]","b":1}`,
      [{ offset: 6, removed: "4111111111111111", inserted: "[REDACTED]" }],
    ],
    [
      "two values far apart",
      `pw: "hunter2" and then a long stretch of unchanged text, token: "abc"`,
      `pw: "[REDACTED]" and then a long stretch of unchanged text, token: "[REDACTED]"`,
      [
        { offset: 5, removed: "hunter2", inserted: "[REDACTED]" },
        { offset: 65, removed: "abc", inserted: "[REDACTED]" },
      ],
    ],
    [
      "a value in repetitive text, aligned by the smallest edit",
      `\\u0645\\u0627 "x": "secret-value" \\u0645\\u0627\\u0645\\u0627\\u0645\\u0627`,
      `\\u0645\\u0627 "x": "[REDACTED]" \\u0645\\u0627\\u0645\\u0627\\u0645\\u0627`,
      [{ offset: 19, removed: "secret-value", inserted: "[REDACTED]" }],
    ],
  ] as const)("%s", (_name, before, after, expected) => {
    expect(changedSpans(before, after)).toEqual(expected);
  });
});

describe("shapeOf", () => {
  const at = (text: string, value: string) => ({ offset: text.indexOf(value), removed: value, inserted: "" });
  it.each([
    [
      "a Luhn-valid Visa number in a string",
      `"card": "4111 1111 1111 1111"`,
      "4111 1111 1111 1111",
      "card number",
    ],
    ["digits of a longer number", `x = 94111111111111111;`, "4111111111111111", null],
    [
      "a Luhn-valid number with an unknown issuer prefix",
      `"n": "9111111111111111"`,
      "9111111111111111",
      null,
    ],
    ["a JWT", `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln`, "eyJzdWIiOiIxIn0", "JWT"],
    ["a Basic credential", `Authorization: Basic dXNlcjpwYXNz`, "dXNlcjpwYXNz", "basic credential"],
    ["a label next to a key", `email: "adresse e-mail"`, "adresse e-mail", null],
    ["a version under a package name", `"jsonwebtoken": "9.0.3"`, "9.0.3", null],
  ] as const)("%s", (_name, text, value, expected) => {
    expect(shapeOf(text, at(text, value))?.name ?? null).toBe(expected);
  });
});

describe("compareSyntax", () => {
  it.each([
    ["a JS string changed", ".js", `const a = "x";`, `const a = "[REDACTED]";`, "kept"],
    [
      "a JS number turned into a string",
      ".js",
      `const a = 60;`,
      `const a = "[REDACTED]";`,
      "structure-changed",
    ],
    ["JS that no longer parses", ".js", `a = { b: 0x00 };`, `a = { b: "[REDACTED]"x00 };`, "broken"],
    ["JS that never parsed", ".js", `<jsx/>`, `<jsx/>!`, "unparsed-before"],
    ["a JSON value changed", ".json", `{"a":"b"}`, `{"a":"c"}`, "kept"],
    ["a JSON number turned into a string", ".json", `{"a":1}`, `{"a":"1"}`, "structure-changed"],
    ["an HTML attribute value changed", ".html", `<p title="a">b</p>`, `<p title="c">d</p>`, "kept"],
    ["an HTML element lost", ".html", `<p>a<b>c</b></p>`, `<p>a&lt;b>c</p>`, "broken"],
    ["an SVG path changed", ".svg", `<svg><path d="M1 1"/></svg>`, `<svg><path d="M2 2"/></svg>`, "kept"],
    ["a CSS value changed", ".css", `a { color: red }`, `a { color: blue }`, "kept"],
    ["a CSS selector changed", ".css", `.a1 { color: red }`, `.a2 { color: red }`, "structure-changed"],
    ["CSS that no longer parses", ".css", `a { content: "x" }`, `a { content: "x }`, "broken"],
  ] as const)("%s", (_name, extension: CorpusExtension, before, after, expected) => {
    expect(compareSyntax(extension, before, after).kind).toBe(expected);
  });
});
