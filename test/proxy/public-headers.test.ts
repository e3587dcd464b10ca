import { describe, expect, it } from "vitest";
import {
  publicCookieDomain,
  publicUrl,
  toPublicHeaders,
  type PublicHosts,
} from "../../worker/src/proxy/public-headers.ts";

const hosts: PublicHosts = {
  origin: new URL("http://backend.internal:8080"),
  visitor: new URL("https://shop.example/checkout"),
};
const withBasePath: PublicHosts = { ...hosts, origin: new URL("http://backend.internal:8080/app/") };
const onDefaultPort: PublicHosts = { ...hosts, origin: new URL("http://backend.internal") };

describe("publicUrl", () => {
  const cases: Array<[string, string, PublicHosts, string | null]> = [
    [
      "moves an absolute URL on the origin to the visitor's scheme and host",
      "http://backend.internal:8080/cart?x=1#top",
      hosts,
      "https://shop.example/cart?x=1#top",
    ],
    [
      "keeps the visitor's port",
      "http://backend.internal:8080/",
      { ...hosts, visitor: new URL("http://127.0.0.1:8787/") },
      "http://127.0.0.1:8787/",
    ],
    [
      "moves a network-path reference and keeps it scheme-relative",
      "//backend.internal:8080/a",
      hosts,
      "//shop.example/a",
    ],
    [
      "matches the host case-insensitively",
      "http://BACKEND.internal:8080/a",
      hosts,
      "https://shop.example/a",
    ],
    [
      "takes ORIGIN's base path off again",
      "http://backend.internal:8080/app/cart",
      withBasePath,
      "https://shop.example/cart",
    ],
    [
      "maps the base path itself to the root",
      "http://backend.internal:8080/app",
      withBasePath,
      "https://shop.example/",
    ],
    [
      "keeps paths outside the base path",
      "http://backend.internal:8080/other",
      withBasePath,
      "https://shop.example/other",
    ],
    [
      "moves https to the origin's host on default ports (TLS terminated in front of it)",
      "https://backend.internal/login",
      onDefaultPort,
      "https://shop.example/login",
    ],
    ["leaves relative paths alone", "/cart", hosts, null],
    ["leaves relative references alone", "../cart?x=1", hosts, null],
    ["leaves other hosts alone", "https://pay.example/checkout", hosts, null],
    ["leaves the origin's host on another port alone", "http://backend.internal:9090/", hosts, null],
    ["leaves non-http schemes alone", "ftp://backend.internal:8080/file", hosts, null],
    ["leaves unparsable values alone", "http://[bad", hosts, null],
  ];
  it.each(cases)("%s", (_name, input, given, expected) => {
    expect(publicUrl(input, given)).toBe(expected);
  });
});

describe("publicCookieDomain", () => {
  const cases: Array<[string, string, string]> = [
    [
      "rewrites a Domain that names the origin to the visitor's host",
      "sid=1; Domain=backend.internal; Path=/",
      "sid=1; Domain=shop.example; Path=/",
    ],
    ["keeps a leading dot", "sid=1; Path=/; domain=.Backend.Internal", "sid=1; Path=/; domain=.shop.example"],
    ["leaves another Domain alone", "sid=1; Domain=example.com; Path=/", "sid=1; Domain=example.com; Path=/"],
    ["leaves a host-only cookie alone", "sid=1; Path=/; HttpOnly", "sid=1; Path=/; HttpOnly"],
    ["never touches the value", "domain=backend.internal; Path=/", "domain=backend.internal; Path=/"],
  ];
  it.each(cases)("%s", (_name, input, expected) => {
    expect(publicCookieDomain(input, hosts)).toBe(expected);
  });
});

describe("toPublicHeaders", () => {
  const cases: Array<[string, Record<string, string>, Record<string, string>]> = [
    [
      "rewrites Location",
      { location: "http://backend.internal:8080/done" },
      { location: "https://shop.example/done" },
    ],
    ["keeps a relative Location", { location: "/done" }, { location: "/done" }],
    [
      "rewrites Content-Location",
      { "content-location": "http://backend.internal:8080/a.json" },
      { "content-location": "https://shop.example/a.json" },
    ],
    [
      "rewrites the url= part of Refresh",
      { refresh: "5; url=http://backend.internal:8080/next" },
      { refresh: "5; url=https://shop.example/next" },
    ],
    [
      "keeps Refresh quotes and spacing",
      { refresh: "0;URL='http://backend.internal:8080/next'" },
      { refresh: "0;URL='https://shop.example/next'" },
    ],
    ["keeps a Refresh without a URL", { refresh: "30" }, { refresh: "30" }],
    [
      "rewrites each Link target on the origin and no other",
      {
        link: "<http://backend.internal:8080/a.css>; rel=preload, <https://cdn.example/b.js>; rel=preload, </c.js>; rel=preload",
      },
      {
        link: "<https://shop.example/a.css>; rel=preload, <https://cdn.example/b.js>; rel=preload, </c.js>; rel=preload",
      },
    ],
    [
      "leaves headers that carry no URL alone",
      { "x-location": "http://backend.internal:8080/" },
      { "x-location": "http://backend.internal:8080/" },
    ],
  ];
  it.each(cases)("%s", (_name, input, expected) => {
    expect(Object.fromEntries(toPublicHeaders(new Headers(input), hosts))).toEqual(expected);
  });

  it("rewrites each Set-Cookie separately and keeps their order", () => {
    const headers = new Headers();
    headers.append("set-cookie", "a=1; Domain=backend.internal");
    headers.append("set-cookie", "b=2; Domain=other.example");
    headers.append("set-cookie", "c=3");
    expect(toPublicHeaders(headers, hosts).getSetCookie()).toEqual([
      "a=1; Domain=shop.example",
      "b=2; Domain=other.example",
      "c=3",
    ]);
  });
});
