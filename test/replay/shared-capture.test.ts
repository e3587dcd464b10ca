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

describe("personalReason", () => {
  it.each([
    ["a public stylesheet", "text/css", [["cache-control", "public, max-age=3600"]], [], null],
    ["a stylesheet with no cache headers", "text/css", [], [], null],
    ["an image with max-age", "image/png", [["cache-control", "max-age=60"]], [], null],
    ["public JSON", "application/json", [["cache-control", "public"]], [], null],
    ["JSON with s-maxage", "application/json", [["cache-control", "s-maxage=60"]], [], null],
    [
      "private",
      "text/css",
      [["cache-control", "private, no-cache"]],
      [],
      "Cache-Control: private or no-store",
    ],
    ["no-store", "image/png", [["cache-control", "no-store"]], [], "Cache-Control: private or no-store"],
    [
      "Vary: Cookie",
      "text/css",
      [["vary", "Accept-Encoding, Cookie"]],
      [],
      "Vary on Cookie, Authorization or *",
    ],
    ["Vary: *", "text/css", [["vary", "*"]], [], "Vary on Cookie, Authorization or *"],
    ["a Set-Cookie", "text/css", [["set-cookie", "a=[REDACTED]"]], [], "sets a cookie"],
    [
      "an answer to Authorization",
      "text/css",
      [["cache-control", "max-age=60"]],
      [["authorization", "[REDACTED]"]],
      "answered a request with Authorization, without public, s-maxage or must-revalidate",
    ],
    [
      "an answer to Authorization, public",
      "text/css",
      [["cache-control", "public"]],
      [["authorization", "x"]],
      null,
    ],
    [
      "JSON without a shared lifetime",
      "application/json",
      [],
      [],
      "a personalisable type without public, s-maxage or max-age",
    ],
    [
      "HTML without a shared lifetime",
      "text/html",
      [["cache-control", "no-cache"]],
      [],
      "a personalisable type without public, s-maxage or max-age",
    ],
  ] as const)("%s", (_name, type, response, request, reason) => {
    expect(
      personalReason(
        capture(
          "c",
          0,
          type,
          [...response].map(([n, v]) => [n, v]),
          [...request].map(([n, v]) => [n, v]),
        ),
      ),
    ).toBe(reason);
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

  it("never picks a personal capture", () => {
    expect(
      pickSharedCapture([capture("p", 100, "application/json", [["cache-control", "private"]])], 150),
    ).toBeNull();
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
