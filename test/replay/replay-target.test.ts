import { describe, expect, it } from "vitest";
import { MAX_TARGET_LENGTH, targetProblem } from "../../worker/src/replay/replay-target.ts";

describe("targetProblem", () => {
  it.each([
    ["a plain path", "/products/home-insurance"],
    ["a query", "/api/quote?product=home-insurance&zip=10001"],
    ["an encoded slash inside a segment", "/files/a%2Fb"],
    ["dots inside a name", "/static/site.v2.css"],
    ["a Latin-1 escape (legacy, not overlong)", "/caf%E9"],
    ["a valid UTF-8 escape", "/caf%C3%A9"],
    ["dots in the query", "/x?path=../../etc"],
  ])("accepts %s", (_name, target) => {
    expect(targetProblem(target)).toBeNull();
  });

  it.each([
    ["a literal dot-dot segment", "/a/../b", 400],
    ["a literal dot segment", "/a/./b", 400],
    ["an encoded dot-dot segment", "/a/%2e%2e/b", 400],
    ["dot-dot then an encoded slash", "/static/..%2f..%2fsecret", 400],
    ["an encoded backslash", "/static/..%5csecret", 400],
    ["double encoding", "/static/%252e%252e/secret", 400],
    ["an encoded NUL in the path", "/a%00.css", 400],
    ["an encoded NUL in the query", "/a?x=%00", 400],
    ["a double-encoded NUL", "/a%2500", 400],
    ["an overlong dot", "/%c0%ae%c0%ae/secret", 400],
    ["an overlong slash", "/a%c0%afb", 400],
    ["a three-byte overlong", "/a%e0%80%afb", 400],
    ["a broken escape", "/a%zzb", 400],
    ["a truncated escape", "/a%2", 400],
    ["an overlong target", `/${"a".repeat(MAX_TARGET_LENGTH)}`, 414],
  ])("refuses %s", (_name, target, status) => {
    expect(targetProblem(target)?.status).toBe(status);
  });
});
