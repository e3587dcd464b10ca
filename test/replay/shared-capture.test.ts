import { describe, expect, it } from "vitest";
import { personalReason, pickSharedCapture } from "../../worker/src/replay/shared-capture.ts";
import { isStrongEtag } from "../../worker/src/replay/resolve-answer.ts";
import type { ExchangeRow } from "../../worker/src/record/rows.ts";

function capture(
  id: string,
  at: number,
  contentType: string,
  response: [string, string][],
  request: [string, string][] = [],
): ExchangeRow {
  return {
    id,
    session_id: "s",
    day: "2026-03-06",
    started_at: at,
    ttfb_ms: 1,
    total_ms: 1,
    method: "GET",
    url: "https://shop.example/x",
    status: 200,
    content_type: contentType,
    content_class: "other",
    page_view: 0,
    request_headers: JSON.stringify(request),
    response_headers: JSON.stringify(response),
    request_body_digest: null,
    request_body_size: null,
    request_body_note: null,
    response_body_digest: "d",
    response_body_size: 1,
    response_body_note: null,
    validator: null,
    revalidated_digest: null,
    context: "{}",
    error: null,
    mask_policy: "p",
    mask_report: "[]",
    record_hash: "h",
  };
}

const NOT_SHAREABLE = "not declared shareable (no Cache-Control: public or s-maxage)";
const PRIVATE = "Cache-Control: private or no-store";
const VARY = "Vary on Cookie, Authorization or *";
const COOKIE = "sets a cookie";

describe("personalReason: only captures declared shareable stand in for another session's", () => {
  const cases: Array<
    [
      name: string,
      type: string,
      response: [string, string][],
      request: [string, string][],
      reason: string | null,
    ]
  > = [
    ["static JS with no Cache-Control", "application/javascript", [], [], NOT_SHAREABLE],
    ["a stylesheet with no cache headers", "text/css", [], [], NOT_SHAREABLE],
    [
      "an image with max-age only (a browser's own cache)",
      "image/png",
      [["cache-control", "max-age=600"]],
      [],
      NOT_SHAREABLE,
    ],
    ["JSON with no-cache", "application/json", [["cache-control", "no-cache"]], [], NOT_SHAREABLE],
    [
      "must-revalidate alone",
      "text/css",
      [["cache-control", "max-age=60, must-revalidate"]],
      [],
      NOT_SHAREABLE,
    ],
    ["public, max-age=600", "application/javascript", [["cache-control", "public, max-age=600"]], [], null],
    ["s-maxage=60", "application/json", [["cache-control", "s-maxage=60"]], [], null],
    [
      "public in upper case, split over two fields",
      "text/css",
      [
        ["Cache-Control", "max-age=60"],
        ["Cache-Control", "PUBLIC"],
      ],
      [],
      null,
    ],
    [
      "public with a Set-Cookie",
      "text/css",
      [
        ["cache-control", "public, max-age=600"],
        ["set-cookie", "a=[REDACTED]"],
      ],
      [],
      COOKIE,
    ],
    ["public and private", "text/css", [["cache-control", "public, private"]], [], PRIVATE],
    ["private", "text/css", [["cache-control", "private, no-cache"]], [], PRIVATE],
    ["s-maxage with no-store", "image/png", [["cache-control", "s-maxage=60, no-store"]], [], PRIVATE],
    [
      "public with Vary: Cookie",
      "text/css",
      [
        ["cache-control", "public"],
        ["vary", "Accept-Encoding, Cookie"],
      ],
      [],
      VARY,
    ],
    [
      "public with Vary: Authorization",
      "application/json",
      [
        ["cache-control", "public"],
        ["vary", "authorization"],
      ],
      [],
      VARY,
    ],
    [
      "public with Vary: *",
      "text/css",
      [
        ["cache-control", "public"],
        ["vary", "*"],
      ],
      [],
      VARY,
    ],
    [
      "an answer to Authorization with max-age only",
      "text/css",
      [["cache-control", "max-age=60"]],
      [["authorization", "[REDACTED]"]],
      NOT_SHAREABLE,
    ],
    [
      "an answer to Authorization, public",
      "text/css",
      [["cache-control", "public"]],
      [["authorization", "x"]],
      null,
    ],
    ["HTML with public", "text/html", [["cache-control", "public, max-age=60"]], [], null],
  ];
  it.each(cases)("%s", (_name, type, response, request, reason) => {
    expect(personalReason(capture("c", 0, type, response, request))).toBe(reason);
  });
});

describe("pickSharedCapture", () => {
  const publicCss: [string, string][] = [["cache-control", "public, max-age=3600"]];
  it.each([
    ["the latest shareable capture before the page view", 150, "b"],
    ["the earliest after when none is before", 50, "a"],
  ])("%s", (_name, at, id) => {
    const rows = [
      capture("a", 100, "text/css", publicCss),
      capture("b", 140, "text/css", publicCss),
      capture("private", 145, "text/css", [["cache-control", "private"]]),
      capture("c", 200, "text/css", publicCss),
    ];
    expect(pickSharedCapture(rows, at)?.id).toBe(id);
  });

  it.each([
    ["a private capture", [["cache-control", "private"]]],
    ["a script without Cache-Control", []],
    ["a script with max-age only", [["cache-control", "max-age=600"]]],
  ] as Array<[string, [string, string][]]>)("never picks %s", (_name, headers) => {
    expect(pickSharedCapture([capture("p", 100, "application/javascript", headers)], 150)).toBeNull();
  });
});

describe("isStrongEtag", () => {
  it.each([
    ['"abc"', true],
    ['W/"abc"', false],
    ["Tue, 15 Nov 1994 12:45:26 GMT", false],
  ])("%s", (validator, strong) => {
    expect(isStrongEtag(validator)).toBe(strong);
  });
});
