import { describe, expect, it } from "vitest";
import { parseMaskReport } from "../../worker/src/read/model/mask-findings.ts";
import { requestFields } from "../../worker/src/read/model/request-fields.ts";

describe("parseMaskReport", () => {
  it.each([
    ["form:password", "password", { where: "form body", field: "password", header: false }],
    ["json:cardNumber", "card-number", { where: "JSON body", field: "cardNumber", header: false }],
    ["multipart:ssn", "national-id", { where: "multipart body", field: "ssn", header: false }],
    ["request-header:cookie", "cookie-value", { where: "request header", field: "cookie", header: true }],
    [
      "response-header:set-cookie",
      "cookie-value",
      { where: "response header", field: "set-cookie", header: true },
    ],
    ["url:query:token", "secret-token", { where: "URL query", field: "token", header: false }],
    ["url", "url-password", { where: "URL", field: null, header: false }],
    ["html:input[name=csrf_token]", "secret-token", { where: "HTML", field: "csrf_token", header: false }],
    ["somewhere-new:x", "future-rule", { where: "somewhere-new", field: "x", header: false }],
  ])("reads location %s", (location, rule, expected) => {
    expect(parseMaskReport(JSON.stringify([{ rule, location, count: 2 }]))).toEqual([
      { rule, count: 2, ...expected },
    ]);
  });

  it.each([["not json"], ["{}"], ['[1, null, {"rule": 3}]']])("ignores a malformed report %s", (json) => {
    expect(parseMaskReport(json)).toEqual([]);
  });
});

describe("requestFields", () => {
  const findings = parseMaskReport(
    JSON.stringify([
      { rule: "password", location: "form:password", count: 1 },
      { rule: "card-number", location: "json:cardNumber", count: 1 },
      { rule: "cookie-value", location: "request-header:password", count: 1 },
    ]),
  );
  const bytes = (text: string) => new TextEncoder().encode(text);

  it.each([
    [
      "application/x-www-form-urlencoded",
      "username=%5Bhash%3Aab%5D&password=%5BREDACTED%5D&note=hi+there",
      [
        { name: "username", value: "[hash:ab]", maskedBy: null },
        { name: "password", value: "[REDACTED]", maskedBy: "password" },
        { name: "note", value: "hi there", maskedBy: null },
      ],
    ],
    [
      "application/json; charset=utf-8",
      '{"cardNumber":"************4242","quantity":1,"items":["a"]}',
      [
        { name: "cardNumber", value: "************4242", maskedBy: "card-number" },
        { name: "quantity", value: "1", maskedBy: null },
        { name: "items", value: '["a"]', maskedBy: null },
      ],
    ],
    ["application/json", "[1,2]", null],
    ["application/json", "{broken", null],
    ["text/plain", "password=x", null],
    [null, "password=x", null],
  ])("reads a %s body", (type, body, expected) => {
    expect(requestFields(bytes(body), type, findings)).toEqual(expected);
  });

  it("shortens long values", () => {
    const fields = requestFields(bytes(`note=${"x".repeat(500)}`), "application/x-www-form-urlencoded", []);
    expect(fields?.[0]?.value).toBe(`${"x".repeat(120)}…`);
  });
});
