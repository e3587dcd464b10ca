import { describe, expect, it } from "vitest";
import {
  blockedUrls,
  consoleOrigins,
  MAX_BLOCKED_PER_REPORT,
  replayCsp,
} from "../../worker/src/replay/csp.ts";
import { DROPPED_HEADERS, replayHeaders } from "../../worker/src/replay/replay-headers.ts";
import { siteOriginOf } from "../../worker/src/replay/site-origin.ts";

describe("replayCsp", () => {
  it("confines the page to its origin and lets only the console frame it", () => {
    const csp = replayCsp(["https://shop.example"]);
    expect(csp).toContain("default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("form-action 'self'");
    // data: and blob: documents would run in realms the egress guard never saw.
    expect(csp).toContain("frame-src 'self';");
    expect(csp).toContain("object-src 'self';");
    expect(csp).toContain("frame-ancestors https://shop.example");
    expect(csp).toContain("report-uri /__verbatim-replay/csp-report");
    expect(replayCsp([])).toContain("frame-ancestors 'none'");
  });
});

describe("consoleOrigins", () => {
  it.each([
    [
      "production: the console's own host, on the replay's scheme",
      "verbatim.example.net",
      "https://s--p.replay.example.com/",
      ["https://verbatim.example.net"],
    ],
    [
      "local: the console host on the replay's port",
      "console.localhost",
      "http://s--p.replay.localhost:8787/x",
      ["http://console.localhost:8787"],
    ],
  ])("%s", (_name, consoleHost, request, expected) => {
    expect(consoleOrigins(consoleHost, new URL(request))).toEqual(expected);
  });
});

describe("blockedUrls", () => {
  it.each([
    [
      "a report-uri report",
      { "csp-report": { "blocked-uri": "https://cdn.example/x.js", "violated-directive": "script-src" } },
      ["https://cdn.example/x.js"],
    ],
    [
      "a Reporting API batch",
      [
        { type: "csp-violation", body: { blockedURL: "https://t.example/p?id=1" } },
        { type: "deprecation", body: { blockedURL: "ignored" } },
      ],
      ["https://t.example/p?id=1"],
    ],
    ["a keyword", { "csp-report": { "blocked-uri": "inline" } }, ["inline"]],
    ["garbage", { hello: 1 }, []],
    ["a string", "x", []],
    ["an empty blocked-uri", { "csp-report": { "blocked-uri": "" } }, []],
  ])("%s", (_name, report, expected) => {
    expect(blockedUrls(report)).toEqual(expected);
  });

  it("caps how many URLs one report may list", () => {
    const many = Array.from({ length: 100 }, (_, i) => ({
      type: "csp-violation",
      body: { blockedURL: `https://x/${i}` },
    }));
    expect(blockedUrls(many)).toHaveLength(MAX_BLOCKED_PER_REPORT);
  });
});

describe("replayHeaders", () => {
  const site = siteOriginOf("https://shop.example/");
  const recorded: [string, string][] = [
    ["content-type", "text/html; charset=utf-8"],
    ["content-encoding", "gzip"],
    ["content-length", "123"],
    ["set-cookie", "shop.sid=[REDACTED]; Path=/; HttpOnly"],
    ["set-cookie", "other=[REDACTED]"],
    ["content-security-policy", "default-src 'self' https://cdn.example"],
    ["strict-transport-security", "max-age=63072000"],
    ["x-frame-options", "DENY"],
    ["nel", "{}"],
    ["cache-control", "private, no-cache"],
    ["etag", '"abc"'],
    ["location", "https://shop.example/next?x=1"],
    ["link", "<https://shop.example/a.css>; rel=preload, <https://cdn.example/b.js>; rel=preload"],
    ["x-verbatim-exchange", "spoofed"],
  ];
  const headers = replayHeaders(recorded, {
    site,
    frameAncestors: ["https://shop.example"],
    outcome: "recorded",
    exchangeId: "01ABC",
  });

  it("drops what must not replay", () => {
    // The replay sets these two itself; every other dropped header is simply absent.
    const replaced = ["cache-control", "content-security-policy"];
    for (const name of Object.keys(DROPPED_HEADERS).filter((n) => !replaced.includes(n))) {
      expect(headers.has(name), name).toBe(false);
    }
    expect(headers.get("content-security-policy")).not.toContain("cdn.example");
    expect(headers.getSetCookie()).toEqual([]);
  });

  it("keeps the rest, rewrites URL headers and adds the replay's own", () => {
    expect(headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(headers.get("etag")).toBe('"abc"');
    expect(headers.get("location")).toBe("/next?x=1");
    expect(headers.get("link")).toBe("</a.css>; rel=preload, <https://cdn.example/b.js>; rel=preload");
    expect(headers.get("cache-control")).toBe("no-store");
    expect(headers.get("referrer-policy")).toBe("no-referrer");
    expect(headers.get("x-verbatim-exchange")).toBe("01ABC");
    expect(headers.get("content-security-policy")).toBe(replayCsp(["https://shop.example"]));
  });
});
