import { describe, expect, it } from "vitest";
import { rewriteBody } from "../../worker/src/replay/rewrite-body.ts";
import { rewriteHtml } from "../../worker/src/replay/rewrite-html.ts";
import { rewriteScript } from "../../worker/src/replay/rewrite-script.ts";
import { siteOriginOf } from "../../worker/src/replay/site-origin.ts";

const site = siteOriginOf("http://127.0.0.1:8080/ui/");
const tls = siteOriginOf("https://shop.example/");
/** The origin of the replay request being answered: the page view's replay origin. */
const REPLAY = "http://s1--p2.replay.localhost:8787";
const ESCAPED = "http:\\/\\/s1--p2.replay.localhost:8787";

describe("rewriteScript", () => {
  it.each([
    ["a double-quoted base", 'var b = "http://127.0.0.1:8080/";', `var b = "${REPLAY}/";`],
    ["a single-quoted URL", "fetch('http://127.0.0.1:8080/api/x?q=1')", `fetch('${REPLAY}/api/x?q=1')`],
    ["a template without substitutions", "fetch(`http://127.0.0.1:8080/a`)", `fetch(\`${REPLAY}/a\`)`],
    ["the head of a template", "`http://127.0.0.1:8080/p/${id}/x`", `\`${REPLAY}/p/\${id}/x\``],
    ["template text after a substitution", "`${a}http://127.0.0.1:8080/x`", "`${a}http://127.0.0.1:8080/x`"],
    ["escaped slashes", '{"b":"http:\\/\\/127.0.0.1:8080\\/api"}', `{"b":"${ESCAPED}\\/api"}`],
    ["a protocol-relative URL", 'x = "//127.0.0.1:8080/a"', `x = "${REPLAY}/a"`],
    ["the other scheme, upper case", 'x = "HTTPS://127.0.0.1:8080/a"', `x = "${REPLAY}/a"`],
    ["the bare origin", 'x = "http://127.0.0.1:8080"; y = x + "/api"', `x = "${REPLAY}"; y = x + "/api"`],
    ["an origin then a query", 'x = "http://127.0.0.1:8080?a=1"', `x = "${REPLAY}?a=1"`],
    [
      "a path that would read as protocol-relative",
      'x = "http://127.0.0.1:8080//evil.example/"',
      `x = "${REPLAY}//evil.example/"`,
    ],
    [
      "escaped double slash after the origin",
      'x = "http:\\/\\/127.0.0.1:8080\\/\\/evil"',
      `x = "${ESCAPED}\\/\\/evil"`,
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
      `{"http://127.0.0.1:8080/": 1, a: "${REPLAY}/b"}`,
    ],
    ["a ternary's value before a colon", 'c ? "http://127.0.0.1:8080/a" : "b"', `c ? "${REPLAY}/a" : "b"`],
    ["an unclosed string", 'x = "http://127.0.0.1:8080/a', 'x = "http://127.0.0.1:8080/a'],
  ])("%s", (_name, input, expected) => {
    expect(rewriteScript(input, site, REPLAY)).toBe(expected);
  });

  it("changes no byte outside the origin prefix, non-ASCII included", () => {
    const text = 'var s = "é\u00ff"; var u = "http://127.0.0.1:8080/\u00e9";';
    expect(rewriteScript(text, site, REPLAY)).toBe(`var s = "é\u00ff"; var u = "${REPLAY}/\u00e9";`);
  });

  it("knows the default port may be spelled out", () => {
    expect(rewriteScript('["https://shop.example:443/a", "https://shop.example:8443/a"]', tls, REPLAY)).toBe(
      `["${REPLAY}/a", "https://shop.example:8443/a"]`,
    );
  });
});

describe("rewriteHtml: inline scripts", () => {
  it.each([
    [
      "a classic script",
      '<script>b = "http://127.0.0.1:8080/"</script>',
      `<script>b = "${REPLAY}/"</script>`,
    ],
    [
      "a module",
      '<script type=module>b = "http://127.0.0.1:8080/m"</script>',
      `<script type=module>b = "${REPLAY}/m"</script>`,
    ],
    [
      "a JSON island",
      '<script type="application/json">{"u":"http://127.0.0.1:8080/i"}</script>',
      `<script type="application/json">{"u":"${REPLAY}/i"}</script>`,
    ],
    [
      "an import map",
      '<script type=importmap>{"imports":{"a":"http://127.0.0.1:8080/a.js"}}</script>',
      `<script type=importmap>{"imports":{"a":"${REPLAY}/a.js"}}</script>`,
    ],
    [
      "a template script stays",
      '<script type="text/x-template"><a href="http://127.0.0.1:8080/">x</a></script>',
      '<script type="text/x-template"><a href="http://127.0.0.1:8080/">x</a></script>',
    ],
    ["text outside scripts stays", '<p>"http://127.0.0.1:8080/"</p>', '<p>"http://127.0.0.1:8080/"</p>'],
    [
      "attributes stay root-relative beside a script",
      '<a href="http://127.0.0.1:8080/a">a</a><script>u = "http://127.0.0.1:8080/a"</script>',
      `<a href="/a">a</a><script>u = "${REPLAY}/a"</script>`,
    ],
  ])("%s", (_name, input, expected) => {
    expect(rewriteHtml(input, site, REPLAY)).toBe(expected);
  });
});

describe("rewriteBody: scripts and JSON", () => {
  const encode = (text: string) => new TextEncoder().encode(text);
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  it.each([
    ["JavaScript", "text/javascript", 'a="http://127.0.0.1:8080/x"', `a="${REPLAY}/x"`],
    [
      "JSON with escaped slashes",
      "application/json",
      '{"a":"http:\\/\\/127.0.0.1:8080\\/x"}',
      `{"a":"${ESCAPED}\\/x"}`,
    ],
    ["a JSON subtype", "application/vnd.api+json", '{"a":"http://127.0.0.1:8080/x"}', `{"a":"${REPLAY}/x"}`],
    ["plain text stays", "text/plain", '"http://127.0.0.1:8080/x"', '"http://127.0.0.1:8080/x"'],
  ])("%s", (_name, type, input, expected) => {
    expect(decode(rewriteBody(encode(input), type, site, REPLAY))).toBe(expected);
  });

  it("returns the recorded bytes when nothing changes", () => {
    const bytes = encode('a="http://127.0.0.1:9/x"');
    expect(rewriteBody(bytes, "text/javascript", site, REPLAY)).toBe(bytes);
  });

  it("names the origin of the replay being answered, so each page view's bytes are its own", () => {
    const other = "http://s1--p3.replay.localhost:8787";
    const bytes = encode('a="http://127.0.0.1:8080/x"');
    expect(decode(rewriteBody(bytes, "text/javascript", site, other))).toBe(`a="${other}/x"`);
    expect(decode(rewriteBody(bytes, "text/javascript", site, REPLAY))).toBe(`a="${REPLAY}/x"`);
  });
});
