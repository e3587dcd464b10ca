import { describe, expect, it } from "vitest";
import { grantFromCookie, refusedDestination, samePath } from "../../worker/src/replay/replay-access.ts";
import {
  guardPosition,
  GUARD_TAG,
  GUARD_TAG_ESCAPED,
  withEgressGuard,
} from "../../worker/src/replay/egress-guard.ts";
import { rewriteBody } from "../../worker/src/replay/rewrite-body.ts";
import { siteOriginOf } from "../../worker/src/replay/site-origin.ts";

describe("samePath", () => {
  it.each([
    ["a path", "/products/home-insurance?x=1", "/products/home-insurance?x=1"],
    ["nothing", null, "/"],
    ["a scheme-relative URL", "//evil.example/x", "/"],
    ["a backslash host", "/\\evil.example", "/"],
    ["an absolute URL", "https://evil.example/", "/"],
    ["a path that resolves to a scheme-relative one", "/.//evil.example", "/"],
    ["a tab browsers strip", "/\t/evil.example", "/"],
    ["a relative path", "products", "/"],
    ["an encoded slash (stays a path)", "/%2F%2Fevil.example", "/%2F%2Fevil.example"],
  ])("%s", (_name, to, expected) => {
    expect(samePath(to)).toBe(expected);
  });
});

describe("refusedDestination", () => {
  it.each([
    ["document", true],
    [null, true],
    ["iframe", false],
    ["frame", false],
    ["script", false],
    ["empty", false],
    ["report", false],
  ])("Sec-Fetch-Dest %s refused: %s", (dest, refused) => {
    const headers = new Headers(dest === null ? {} : { "sec-fetch-dest": dest });
    expect(refusedDestination(headers) !== null).toBe(refused);
  });
});

describe("grantFromCookie", () => {
  it.each([
    ["__Host-verbatim-replay=c.abc", "c.abc"],
    ["a=1; __Host-verbatim-replay=c.abc; b=2", "c.abc"],
    ["verbatim-replay=c.abc", null],
    [null, null],
  ])("%s", (header, expected) => {
    expect(grantFromCookie(header)).toBe(expected);
  });
});

describe("withEgressGuard", () => {
  it.each([
    [
      "after <head>",
      "<!doctype html><html lang=en><head><meta charset=utf-8>",
      "<!doctype html><html lang=en><head>|<meta charset=utf-8>",
    ],
    ["before the first element without html or head", "<!DOCTYPE html><p>hi", "<!DOCTYPE html>|<p>hi"],
    ["after <html> when there is no head", '<html data-x="a>b">\n<body>', '<html data-x="a>b">|\n<body>'],
    [
      "past comments and a BOM",
      "\uFEFF<!-- c -->\n<html><!-- d --><head class='x'><title>",
      "\uFEFF<!-- c -->\n<html><!-- d --><head class='x'>|<title>",
    ],
    ["before a script that precedes <html>", "<script>go()</script><html>", "|<script>go()</script><html>"],
    [
      "inside an XHTML root",
      '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head/>',
      '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">|<head/>',
    ],
    ["an empty document", "", "|"],
  ])("%s", (_name, html, expected) => {
    expect(withEgressGuard(html)).toBe(expected.replace("|", GUARD_TAG));
    expect(guardPosition(html)).toBe(expected.indexOf("|"));
  });
});

describe("srcdoc frames in a recorded page", () => {
  const site = siteOriginOf("https://shop.example/");
  const serve = (html: string) =>
    new TextDecoder().decode(
      rewriteBody(new TextEncoder().encode(html), "text/html", site, "http://s--p.replay.localhost"),
    );
  it.each([
    [
      "a quoted srcdoc",
      `<iframe srcdoc="<script>go()</script>"></iframe>`,
      `<iframe srcdoc="${GUARD_TAG_ESCAPED}<script>go()</script>"></iframe>`,
    ],
    [
      "an unquoted srcdoc",
      `<iframe srcdoc=hello></iframe>`,
      `<iframe srcdoc=${GUARD_TAG_ESCAPED}hello></iframe>`,
    ],
    ["a bare srcdoc", `<iframe srcdoc></iframe>`, `<iframe srcdoc="${GUARD_TAG_ESCAPED}"></iframe>`],
    ["a srcdoc on another element", `<div srcdoc="x"></div>`, `<div srcdoc="x"></div>`],
  ])("%s runs the egress guard first", (_name, html, expected) => {
    expect(serve(html)).toBe(withEgressGuard(expected));
  });
});
