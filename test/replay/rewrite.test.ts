import { describe, expect, it } from "vitest";
import { GUARD_TAG } from "../../worker/src/replay/egress-guard.ts";
import { rewriteBody } from "../../worker/src/replay/rewrite-body.ts";
import { rewriteCss } from "../../worker/src/replay/rewrite-css.ts";
import { rewriteHtml } from "../../worker/src/replay/rewrite-html.ts";
import { rewriteRefresh, rewriteUrl, siteOriginOf } from "../../worker/src/replay/site-origin.ts";
import { srcsetUrlStarts } from "../../worker/src/replay/srcset.ts";
import { scanAttributes } from "../../worker/src/replay/tag-attributes.ts";

const site = siteOriginOf("https://shop.example/products/home-insurance?x=1");
const local = siteOriginOf("http://127.0.0.1:8787/");
/** The origin of the replay request being answered; only scripts' strings name it. */
const REPLAY = "http://s1--p2.replay.localhost:8787";

describe("rewriteUrl", () => {
  it.each([
    ["an absolute URL to the site", "https://shop.example/static/a.css", "/static/a.css"],
    ["the other scheme", "http://shop.example/a", "/a"],
    ["a protocol-relative URL", "//shop.example/a?b=1#c", "/a?b=1#c"],
    ["upper-case scheme and host", "HTTPS://SHOP.EXAMPLE/a", "/a"],
    ["the default port spelled out", "https://shop.example:443/a", "/a"],
    ["the bare origin", "https://shop.example", "/"],
    ["an origin then a query", "https://shop.example?q=1", "/?q=1"],
    ["an origin then a fragment", "https://shop.example#top", "/#top"],
    [
      "a path that would read as protocol-relative",
      "https://shop.example//evil.example/x",
      "/.//evil.example/x",
    ],
    ["leading whitespace", "  https://shop.example/a", "  /a"],
    ["a root-relative URL", "/static/a.css", "/static/a.css"],
    ["a relative URL", "img/a.png", "img/a.png"],
    ["a third-party URL", "https://cdn.example/a.js", "https://cdn.example/a.js"],
    [
      "a longer host that starts with the site's",
      "https://shop.example.evil/a",
      "https://shop.example.evil/a",
    ],
    [
      "userinfo that makes another host",
      "https://shop.example@evil.example/",
      "https://shop.example@evil.example/",
    ],
    ["another port", "https://shop.example:8443/a", "https://shop.example:8443/a"],
    ["a data URL", "data:text/plain,https://shop.example/", "data:text/plain,https://shop.example/"],
  ])("%s", (_name, input, expected) => {
    expect(rewriteUrl(input, site)).toBe(expected);
  });

  it.each([
    ["the recorded non-default port", "http://127.0.0.1:8787/a", "/a"],
    ["the default port on a site with another", "http://127.0.0.1/a", "http://127.0.0.1/a"],
  ])("local: %s", (_name, input, expected) => {
    expect(rewriteUrl(input, local)).toBe(expected);
  });
});

describe("rewriteRefresh", () => {
  it.each([
    ["url= form", "5; url=https://shop.example/next", "5; url=/next"],
    ["quoted, upper case", "0;URL='https://shop.example/next'", "0;URL='/next'"],
    ["comma and no url=", "3, https://shop.example/next", "3, /next"],
    ["a delay only", "30", "30"],
    ["a third party", "0; url=https://other.example/", "0; url=https://other.example/"],
  ])("%s", (_name, input, expected) => {
    expect(rewriteRefresh(input, site)).toBe(expected);
  });
});

describe("srcsetUrlStarts", () => {
  it.each([
    ["two candidates", "a.png 1x, b.png 2x", [0, 10]],
    ["no descriptors, trailing commas", "a.png,b.png", [0]],
    ["commas in the URL", "a,b.png 1x,c.png 2x", [0, 11]],
    ["descriptors with parentheses", "a.png (min-width: 1px, x) 1x, b.png", [0, 30]],
    ["leading whitespace", "  a.png 100w", [2]],
    ["empty", "", []],
  ])("%s", (_name, input, expected) => {
    expect(srcsetUrlStarts(input)).toEqual(expected);
  });
});

describe("scanAttributes", () => {
  it("finds quoted, unquoted and empty values at their raw offsets", () => {
    const tag = `<img src="a b" alt=c data-x='d' hidden srcset = "e">`;
    const spans = scanAttributes(tag).map((s) => [s.name, tag.slice(s.valueStart, s.valueEnd)]);
    expect(spans).toEqual([
      ["src", "a b"],
      ["alt", "c"],
      ["data-x", "d"],
      ["hidden", ""],
      ["srcset", "e"],
    ]);
  });

  it("survives an unterminated quote", () => {
    expect(scanAttributes(`<a href="x`).map((s) => s.name)).toEqual(["href"]);
  });
});

describe("rewriteHtml", () => {
  it.each([
    ["an anchor", `<a href="https://shop.example/terms">T</a>`, `<a href="/terms">T</a>`],
    ["unquoted", `<a href=https://shop.example/terms>T</a>`, `<a href=/terms>T</a>`],
    ["single quotes, mixed case", `<A HREF='HTTPS://shop.example/x'>`, `<A HREF='/x'>`],
    ["a script src", `<script src="//shop.example/app.js"></script>`, `<script src="/app.js"></script>`],
    [
      "each srcset candidate",
      `<img srcset="https://shop.example/a.png 1x, https://cdn.example/b.png 2x,https://shop.example/c.png 3x">`,
      `<img srcset="/a.png 1x, https://cdn.example/b.png 2x,/c.png 3x">`,
    ],
    [
      "a form action",
      `<form action="https://shop.example/login" method=post>`,
      `<form action="/login" method=post>`,
    ],
    ["a button formaction", `<button formaction="https://shop.example/x">`, `<button formaction="/x">`],
    ["a video poster", `<video poster="https://shop.example/p.jpg">`, `<video poster="/p.jpg">`],
    ["a base href", `<base href="https://shop.example/">`, `<base href="/">`],
    [
      "an SVG use",
      `<svg><use xlink:href="https://shop.example/s.svg#i"/></svg>`,
      `<svg><use xlink:href="/s.svg#i"/></svg>`,
    ],
    [
      "a refresh directive",
      `<meta http-equiv="refresh" content="0; url=https://shop.example/next">`,
      `<meta http-equiv="refresh" content="0; url=/next">`,
    ],
    [
      "an inline style with entity quotes",
      `<div style="background:url(&quot;https://shop.example/bg.png&quot;)">`,
      `<div style="background:url(&quot;/bg.png&quot;)">`,
    ],
    [
      "a style element",
      `<style>@import "https://shop.example/t.css"; p{background:url(https://shop.example/p.png)}</style>`,
      `<style>@import "/t.css"; p{background:url(/p.png)}</style>`,
    ],
    [
      "a third-party script",
      `<script src="https://cdn.example/x.js"></script>`,
      `<script src="https://cdn.example/x.js"></script>`,
    ],
    [
      "a meta that is not a refresh",
      `<meta property="og:url" content="https://shop.example/">`,
      `<meta property="og:url" content="https://shop.example/">`,
    ],
    [
      "an attribute that holds no URL",
      `<a title="https://shop.example/x" href="/y">`,
      `<a title="https://shop.example/x" href="/y">`,
    ],
    [
      "a src on an element without one",
      `<div src="https://shop.example/x">`,
      `<div src="https://shop.example/x">`,
    ],
    ["text", `<p>See https://shop.example/terms</p>`, `<p>See https://shop.example/terms</p>`],
    [
      "script text",
      `<script>fetch("https://shop.example/api"); var a = '<a href="https://shop.example/x">';</script>`,
      `<script>fetch("${REPLAY}/api"); var a = '<a href="https://shop.example/x">';</script>`,
    ],
    [
      "textarea text",
      `<textarea><a href="https://shop.example/x"></textarea>`,
      `<textarea><a href="https://shop.example/x"></textarea>`,
    ],
    ["a comment", `<!-- <a href="https://shop.example/x"> -->`, `<!-- <a href="https://shop.example/x"> -->`],
  ])("%s", (_name, input, expected) => {
    expect(rewriteHtml(input, site, REPLAY)).toBe(expected);
  });

  it("keeps every other byte of a page, whitespace and odd markup included", () => {
    const page = `<!DOCTYPE html>\n<html><head>\t<link rel=stylesheet href="https://shop.example/s.css" >\n<title>a &amp; b</title></head>\n<body class="x"  data-y=1><p>unclosed<img src=https://shop.example/i.png alt></body></html>\n`;
    const out = rewriteHtml(page, site, REPLAY);
    expect(out).toBe(
      page.replace("https://shop.example/s.css", "/s.css").replace("https://shop.example/i.png", "/i.png"),
    );
  });
});

describe("rewriteCss", () => {
  it.each([
    ["url() unquoted", "a{background:url(https://shop.example/a.png)}", "a{background:url(/a.png)}"],
    ["url() double quoted with spaces", `a{b:url( "https://shop.example/a.png" )}`, `a{b:url( "/a.png" )}`],
    ["URL() upper case", "a{b:URL('//shop.example/a.png')}", "a{b:URL('/a.png')}"],
    ["@import string", `@import 'https://shop.example/t.css';`, `@import '/t.css';`],
    ["@import url()", `@import url("https://shop.example/t.css");`, `@import url("/t.css");`],
    [
      "font src list",
      `src:url(https://shop.example/a.woff2) format("woff2"),url(https://cdn.example/b.woff)`,
      `src:url(/a.woff2) format("woff2"),url(https://cdn.example/b.woff)`,
    ],
    ["root-relative", "a{b:url(/a.png)}", "a{b:url(/a.png)}"],
    ["data URL", "a{b:url(data:image/png;base64,AAAA)}", "a{b:url(data:image/png;base64,AAAA)}"],
  ])("%s", (_name, input, expected) => {
    expect(rewriteCss(input, site)).toBe(expected);
  });
});

describe("rewriteBody", () => {
  const bytes = (text: string) => new Uint8Array([...text].map((c) => c.charCodeAt(0)));

  it("rewrites HTML byte-exactly around the change, invalid UTF-8 included", () => {
    const input = new Uint8Array([
      ...bytes(`<a href="https://shop.example/x">`),
      0xff,
      0xc3,
      ...bytes("</a>"),
    ]);
    const out = rewriteBody(input, "text/html; charset=utf-8", site, REPLAY);
    expect([...out]).toEqual([...bytes(`${GUARD_TAG}<a href="/x">`), 0xff, 0xc3, ...bytes("</a>")]);
  });

  it.each([
    ["JavaScript without the site's origin", "application/javascript", `fetch("https://cdn.example/api")`],
    ["JSON without the site's origin", "application/json", `{"u":"/x"}`],
    ["UTF-16 HTML", "text/html; charset=utf-16", `<a href="https://shop.example/x">`],
  ])("leaves %s as recorded", (_name, type, text) => {
    const input = bytes(text);
    expect(rewriteBody(input, type, site, REPLAY)).toBe(input);
  });

  it("rewrites CSS and SVG", () => {
    const css = rewriteBody(bytes("a{b:url(https://shop.example/a.png)}"), "text/css", site, REPLAY);
    expect(new TextDecoder().decode(css)).toBe("a{b:url(/a.png)}");
    const svg = rewriteBody(
      bytes(`<svg><image href="https://shop.example/i.png"/></svg>`),
      "image/svg+xml",
      site,
      REPLAY,
    );
    expect(new TextDecoder().decode(svg)).toBe(`<svg><image href="/i.png"/></svg>`);
  });
});
