import { describe, expect, it } from "vitest";
import { rewriteBody } from "../../worker/src/replay/rewrite-body.ts";
import { rewriteHtml } from "../../worker/src/replay/rewrite-html.ts";
import { rewriteScript } from "../../worker/src/replay/rewrite-script.ts";
import { siteOriginOf } from "../../worker/src/replay/site-origin.ts";

const site = siteOriginOf("http://127.0.0.1:8080/ui/");
const tls = siteOriginOf("https://shop.example/");

describe("rewriteScript", () => {
  it.each([
    ["a double-quoted base", 'var b = "http://127.0.0.1:8080/";', 'var b = "/";'],
    ["a single-quoted URL", "fetch('http://127.0.0.1:8080/api/x?q=1')", "fetch('/api/x?q=1')"],
    ["a template without substitutions", "fetch(`http://127.0.0.1:8080/a`)", "fetch(`/a`)"],
    ["the head of a template", "`http://127.0.0.1:8080/p/${id}/x`", "`/p/${id}/x`"],
    ["template text after a substitution", "`${a}http://127.0.0.1:8080/x`", "`${a}http://127.0.0.1:8080/x`"],
    ["escaped slashes", '{"b":"http:\\/\\/127.0.0.1:8080\\/api"}', '{"b":"\\/api"}'],
    ["a protocol-relative URL", 'x = "//127.0.0.1:8080/a"', 'x = "/a"'],
    ["the other scheme, upper case", 'x = "HTTPS://127.0.0.1:8080/a"', 'x = "/a"'],
    ["the bare origin", 'x = "http://127.0.0.1:8080"; y = x + "/api"', 'x = ""; y = x + "/api"'],
    ["an origin then a query", 'x = "http://127.0.0.1:8080?a=1"', 'x = "/?a=1"'],
    [
      "a path that would read as protocol-relative",
      'x = "http://127.0.0.1:8080//evil.example/"',
      'x = "/.//evil.example/"',
    ],
    [
      "escaped double slash after the origin",
      'x = "http:\\/\\/127.0.0.1:8080\\/\\/evil"',
      'x = "/.\\/\\/evil"',
    ],
    ["a longer port", 'x = "http://127.0.0.1:80800/a"', 'x = "http://127.0.0.1:80800/a"'],
    ["another port", 'x = "http://127.0.0.1:8081/a"', 'x = "http://127.0.0.1:8081/a"'],
    ["another origin", 'x = "https://cdn.example/a.js"', 'x = "https://cdn.example/a.js"'],
    ["a longer host", 'x = "http://127.0.0.1.evil:8080/"', 'x = "http://127.0.0.1.evil:8080/"'],
    [
      "userinfo that makes another host",
      'x = "http://127.0.0.1:8080@evil/"',
      'x = "http://127.0.0.1:8080@evil/"',
    ],
    ["a URL after other text", 'x = "see http://127.0.0.1:8080/"', 'x = "see http://127.0.0.1:8080/"'],
    ["a line comment", "// http://127.0.0.1:8080/\nx = 1", "// http://127.0.0.1:8080/\nx = 1"],
    ["a block comment", "/* 'http://127.0.0.1:8080/' */", "/* 'http://127.0.0.1:8080/' */"],
    [
      "a regular expression",
      "x = /http:\\/\\/127.0.0.1:8080\\//.test(u)",
      "x = /http:\\/\\/127.0.0.1:8080\\//.test(u)",
    ],
    [
      "an object key",
      '{"http://127.0.0.1:8080/": 1, a: "http://127.0.0.1:8080/b"}',
      '{"http://127.0.0.1:8080/": 1, a: "/b"}',
    ],
    ["a ternary's value before a colon", 'c ? "http://127.0.0.1:8080/a" : "b"', 'c ? "/a" : "b"'],
    ["an unclosed string", 'x = "http://127.0.0.1:8080/a', 'x = "http://127.0.0.1:8080/a'],
  ])("%s", (_name, input, expected) => {
    expect(rewriteScript(input, site)).toBe(expected);
  });

  it("changes no byte outside the origin prefix, non-ASCII included", () => {
    const text = 'var s = "é\u00ff"; var u = "http://127.0.0.1:8080/\u00e9";';
    expect(rewriteScript(text, site)).toBe('var s = "é\u00ff"; var u = "/\u00e9";');
  });

  it("knows the default port may be spelled out", () => {
    expect(rewriteScript('["https://shop.example:443/a", "https://shop.example:8443/a"]', tls)).toBe(
      '["/a", "https://shop.example:8443/a"]',
    );
  });
});

describe("rewriteHtml: inline scripts", () => {
  it.each([
    ["a classic script", '<script>b = "http://127.0.0.1:8080/"</script>', '<script>b = "/"</script>'],
    [
      "a module",
      '<script type=module>b = "http://127.0.0.1:8080/m"</script>',
      '<script type=module>b = "/m"</script>',
    ],
    [
      "a JSON island",
      '<script type="application/json">{"u":"http://127.0.0.1:8080/i"}</script>',
      '<script type="application/json">{"u":"/i"}</script>',
    ],
    [
      "an import map",
      '<script type=importmap>{"imports":{"a":"http://127.0.0.1:8080/a.js"}}</script>',
      '<script type=importmap>{"imports":{"a":"/a.js"}}</script>',
    ],
    [
      "a template script stays",
      '<script type="text/x-template"><a href="http://127.0.0.1:8080/">x</a></script>',
      '<script type="text/x-template"><a href="http://127.0.0.1:8080/">x</a></script>',
    ],
    ["text outside scripts stays", '<p>"http://127.0.0.1:8080/"</p>', '<p>"http://127.0.0.1:8080/"</p>'],
  ])("%s", (_name, input, expected) => {
    expect(rewriteHtml(input, site)).toBe(expected);
  });
});

describe("rewriteBody: scripts and JSON", () => {
  const encode = (text: string) => new TextEncoder().encode(text);
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  it.each([
    ["JavaScript", "text/javascript", 'a="http://127.0.0.1:8080/x"', 'a="/x"'],
    [
      "JSON with escaped slashes",
      "application/json",
      '{"a":"http:\\/\\/127.0.0.1:8080\\/x"}',
      '{"a":"\\/x"}',
    ],
    ["a JSON subtype", "application/vnd.api+json", '{"a":"http://127.0.0.1:8080/x"}', '{"a":"/x"}'],
    ["plain text stays", "text/plain", '"http://127.0.0.1:8080/x"', '"http://127.0.0.1:8080/x"'],
  ])("%s", (_name, type, input, expected) => {
    expect(decode(rewriteBody(encode(input), type, site))).toBe(expected);
  });

  it("returns the recorded bytes when nothing changes", () => {
    const bytes = encode('a="http://127.0.0.1:9/x"');
    expect(rewriteBody(bytes, "text/javascript", site)).toBe(bytes);
  });
});
