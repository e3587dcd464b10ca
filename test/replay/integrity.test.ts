import { describe, expect, it } from "vitest";
import { integrityElements, withoutIntegrity } from "../../worker/src/replay/integrity-attributes.ts";
import {
  MAX_INTEGRITY_LOOKUPS,
  staleElements,
  withoutStaleIntegrity,
} from "../../worker/src/replay/served-integrity.ts";
import { siteOriginOf } from "../../worker/src/replay/site-origin.ts";
import {
  integrityMatches,
  parseIntegrity,
  strongestMetadata,
  type IntegrityMetadata,
} from "../../worker/src/replay/sri.ts";
import { binaryToBytes, bytesToBinary } from "../../worker/src/util/binary-string.ts";

const PAGE = "https://shop.example/dir/page?x=1";
const site = siteOriginOf(PAGE);
const BODY = new TextEncoder().encode('console.log("served");\n');

async function digest(algorithm: "SHA-256" | "SHA-384" | "SHA-512", bytes: Uint8Array): Promise<string> {
  return btoa(bytesToBinary(new Uint8Array(await crypto.subtle.digest(algorithm, bytes))));
}

const sha256 = await digest("SHA-256", BODY);
const sha384 = await digest("SHA-384", BODY);
const sha512 = await digest("SHA-512", BODY);
const wrong = await digest("SHA-384", new TextEncoder().encode("something else"));

describe("parseIntegrity", () => {
  it.each<[string, string, IntegrityMetadata[]]>([
    ["one digest", "sha384-abc=", [{ algorithm: "sha384", digest: "abc=" }]],
    ["upper-case algorithm", "SHA256-abc", [{ algorithm: "sha256", digest: "abc" }]],
    [
      "options dropped",
      "sha256-a?foo=bar sha512-b?x",
      [
        { algorithm: "sha256", digest: "a" },
        { algorithm: "sha512", digest: "b" },
      ],
    ],
    [
      "any ASCII white space between items",
      "\t sha256-a\n\fsha256-b\r ",
      [
        { algorithm: "sha256", digest: "a" },
        { algorithm: "sha256", digest: "b" },
      ],
    ],
    ["unknown algorithms ignored", "md5-abc sha1-def sha384-ghi", [{ algorithm: "sha384", digest: "ghi" }]],
    ["no dash", "sha384", []],
    ["empty", "", []],
    ["a digest with base64url dashes", "sha256-a-b_c", [{ algorithm: "sha256", digest: "a-b_c" }]],
  ])("%s", (_name, value, expected) => {
    expect(parseIntegrity(value)).toEqual(expected);
  });
});

describe("strongestMetadata", () => {
  it.each<[string, string, string[]]>([
    ["sha512 over the others", "sha256-a sha512-b sha384-c sha512-d", ["b", "d"]],
    ["sha384 over sha256", "sha256-a sha384-c", ["c"]],
    ["nothing known", "md5-a", []],
  ])("%s", (_name, value, digests) => {
    expect(strongestMetadata(parseIntegrity(value)).map((m) => m.digest)).toEqual(digests);
  });
});

describe("integrityMatches", () => {
  it.each<[string, () => string, boolean]>([
    ["the right sha256", () => `sha256-${sha256}`, true],
    ["the right sha384 with options", () => `sha384-${sha384}?ct=text/javascript`, true],
    ["the right sha512", () => `sha512-${sha512}`, true],
    ["a wrong digest", () => `sha384-${wrong}`, false],
    ["one of two sha384s right", () => `sha384-${wrong} sha384-${sha384}`, true],
    [
      "a right sha256 beside a wrong sha512 (the strongest decides)",
      () => `sha256-${sha256} sha512-${wrong}`,
      false,
    ],
    [
      "base64url without padding",
      () => `sha384-${sha384.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`,
      true,
    ],
    ["no algorithm known: nothing checked", () => "md5-abc", true],
    ["empty: nothing checked", () => "", true],
  ])("%s", async (_name, value, expected) => {
    expect(await integrityMatches(BODY, value())).toBe(expected);
  });
});

describe("integrityElements", () => {
  it.each<[string, string, Array<[string, string | null]>]>([
    [
      "a script",
      `<script src="a.js" integrity="sha384-x"></script>`,
      [["sha384-x", "https://shop.example/dir/a.js"]],
    ],
    [
      "a root-relative stylesheet",
      `<link rel=stylesheet href=/s.css integrity=sha256-y>`,
      [["sha256-y", "https://shop.example/s.css"]],
    ],
    [
      "rel keywords in any case, among others",
      `<link rel="Alternate StyleSheet" href=s.css integrity=i>`,
      [["i", "https://shop.example/dir/s.css"]],
    ],
    [
      "a preload",
      `<link rel=preload as=script href=/p.js integrity=i>`,
      [["i", "https://shop.example/p.js"]],
    ],
    [
      "a modulepreload",
      `<link rel=modulepreload href=/m.js integrity=i>`,
      [["i", "https://shop.example/m.js"]],
    ],
    [
      "a third-party script",
      `<script src="https://cdn.example/x.js" integrity=i></script>`,
      [["i", "https://cdn.example/x.js"]],
    ],
    [
      "resolved against <base href>",
      `<base href="/static/"><script src=a.js integrity=i></script>`,
      [["i", "https://shop.example/static/a.js"]],
    ],
    [
      "only the first <base href>",
      `<base target=_top><base href="/one/"><base href="/two/"><script src=a.js integrity=i></script>`,
      [["i", "https://shop.example/one/a.js"]],
    ],
    [
      "entities decoded",
      `<script src="a.js?x=1&amp;y=2" integrity="sha384-a&#43;b"></script>`,
      [["sha384-a+b", "https://shop.example/dir/a.js?x=1&y=2"]],
    ],
    ["an inline script: nothing fetched", `<script integrity=i>go()</script>`, []],
    ["an icon: not checked", `<link rel=icon href=/i.png integrity=i>`, []],
    ["an image: not checked", `<img src=/i.png integrity=i>`, []],
    ["a script without integrity", `<script src=a.js></script>`, []],
    [
      "markup inside a script's text",
      `<script>document.write('<script src=a.js integrity=i><\\/script>')</script>`,
      [],
    ],
    ["markup inside a comment", `<!-- <script src=a.js integrity=i></script> -->`, []],
  ])("%s", (_name, html, expected) => {
    expect(integrityElements(html, PAGE).map((e) => [e.integrity, e.url])).toEqual(expected);
  });

  it("reads a UTF-8 page's URL bytes as the characters the browser reads", () => {
    const html = bytesToBinary(new TextEncoder().encode(`<script src="/café.js" integrity=i></script>`));
    const decode = (raw: string) => new TextDecoder().decode(binaryToBytes(raw));
    expect(integrityElements(html, PAGE, decode)[0]?.url).toBe("https://shop.example/caf%C3%A9.js");
  });
});

describe("withoutIntegrity", () => {
  it.each([
    ["double-quoted", `<script src="a.js" integrity="sha384-x"></script>`, `<script src="a.js"></script>`],
    ["single-quoted, first", `<script integrity='sha384-x' src=a.js></script>`, `<script src=a.js></script>`],
    ["unquoted, minified", `<script src=a.js integrity=sha384-x></script>`, `<script src=a.js></script>`],
    [
      "no space before it",
      `<script src="a.js"integrity="sha384-x"></script>`,
      `<script src="a.js"></script>`,
    ],
    ["no space after it", `<script integrity="sha384-x"src=a.js></script>`, `<script src=a.js></script>`],
    [
      "before a self-closing slash",
      `<link rel=stylesheet href=a.css integrity="sha256-x"/>`,
      `<link rel=stylesheet href=a.css />`,
    ],
    [
      "upper case",
      `<SCRIPT SRC=a.js INTEGRITY=sha384-x CROSSORIGIN></SCRIPT>`,
      `<SCRIPT SRC=a.js CROSSORIGIN></SCRIPT>`,
    ],
    [
      "one per line",
      `<link\n  rel="preload" as="script"\n  href="/a.js"\n  integrity="sha384-x"\n>`,
      `<link\n  rel="preload" as="script"\n  href="/a.js"\n>`,
    ],
    [
      "repeated",
      `<script src=a.js integrity=sha384-x integrity=sha384-y></script>`,
      `<script src=a.js></script>`,
    ],
    [
      "with an empty value",
      `<script src=a.js integrity="" defer></script>`,
      `<script src=a.js defer></script>`,
    ],
  ])("%s", (_name, html, expected) => {
    expect(withoutIntegrity(html, integrityElements(html, PAGE))).toBe(expected);
  });

  it("leaves every other byte as it was, invalid UTF-8 and look-alikes included", () => {
    const before = `<!doctype html>\xe9\xff<p title='integrity="sha384-x"'>caf\xc3\xa9</p>\n<!-- integrity=x -->`;
    const after = `<script>var s = "<script src=b.js integrity=y>";</script><img src=i.png integrity=z>`;
    const html = `${before}<script async src=a.js integrity="sha384-x">${after}`;
    expect(withoutIntegrity(html, integrityElements(html, PAGE))).toBe(
      `${before}<script async src=a.js>${after}`,
    );
  });
});

describe("staleElements", () => {
  const right = `sha384-${sha384}`;
  const html = [
    `<script src=/kept.js integrity="${right}"></script>`,
    `<script src=/masked.js integrity="${right}"></script>`,
    `<script src=/missing.js integrity="${right}"></script>`,
    `<script src=https://cdn.example/x.js integrity="${right}"></script>`,
    `<script src=/unknown.js integrity="md5-abc"></script>`,
    `<script src=/kept.js integrity="${right}" defer></script>`,
  ].join("");
  const bodies = new Map([
    ["https://shop.example/kept.js", BODY],
    ["https://shop.example/masked.js", new TextEncoder().encode('console.log("XXXX");\n')],
  ]);

  it("drops integrity where the served body fails it, is not recorded, or is not the site's", async () => {
    const looked: string[] = [];
    const stale = await staleElements(integrityElements(html, PAGE), site, async (url) => {
      looked.push(url);
      return bodies.get(url) ?? null;
    });
    expect(stale.map((e) => e.url)).toEqual([
      "https://shop.example/masked.js",
      "https://shop.example/missing.js",
      "https://cdn.example/x.js",
    ]);
    // Each site URL once; never a third party, never a value that checks nothing.
    expect(looked).toEqual([
      "https://shop.example/kept.js",
      "https://shop.example/masked.js",
      "https://shop.example/missing.js",
    ]);
  });

  it(`looks up at most ${MAX_INTEGRITY_LOOKUPS} URLs and drops integrity on the rest`, async () => {
    const many = Array.from(
      { length: MAX_INTEGRITY_LOOKUPS + 8 },
      (_, i) => `<script src=/s${i}.js integrity="${right}"></script>`,
    );
    let lookups = 0;
    const stale = await staleElements(integrityElements(many.join(""), PAGE), site, async () => {
      lookups++;
      return BODY;
    });
    expect(lookups).toBe(MAX_INTEGRITY_LOOKUPS);
    expect(stale.map((e) => e.url)).toEqual(
      Array.from({ length: 8 }, (_, i) => `https://shop.example/s${MAX_INTEGRITY_LOOKUPS + i}.js`),
    );
  });
});

describe("withoutStaleIntegrity", () => {
  const page = `<script src=/a.js integrity="sha384-${wrong}"></script>`;
  const bytes = new TextEncoder().encode(page);
  const lookup = async () => BODY;

  it.each<[string, string | null, Uint8Array, string]>([
    ["an HTML page", "text/html; charset=utf-8", bytes, `<script src=/a.js></script>`],
    ["a page without a charset", "text/html", bytes, `<script src=/a.js></script>`],
    ["a script: not HTML", "text/javascript", bytes, page],
    ["a UTF-16 page: served as recorded", "text/html; charset=utf-16le", bytes, page],
  ])("%s", async (_name, type, body, expected) => {
    const out = await withoutStaleIntegrity(body, type, PAGE, site, lookup);
    expect(new TextDecoder().decode(out)).toBe(expected);
  });

  it("returns the very same bytes when nothing is dropped", async () => {
    const plain = new TextEncoder().encode("<p>no checks here</p>");
    expect(await withoutStaleIntegrity(plain, "text/html", PAGE, site, lookup)).toBe(plain);
  });
});
