import { describe, expect, it } from "vitest";
import { deviceLabel } from "../../worker/src/read/model/device-label.ts";
import { formatDuration } from "../../worker/src/console/model/duration.ts";
import { readSearchForm, searchHref, toSessionQuery } from "../../worker/src/console/model/search-form.ts";
import { parseZone } from "../../worker/src/read/model/time-zone.ts";

describe("deviceLabel", () => {
  it.each([
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
      "mobile",
      "Safari on iOS (mobile)",
    ],
    [
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "desktop",
      "Chrome on macOS (desktop)",
    ],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      "desktop",
      "Edge on Windows (desktop)",
    ],
    [
      "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
      "mobile",
      "Firefox on Android (mobile)",
    ],
    ["Mozilla/5.0 (X11; Linux x86_64) TestBrowser/alice", "desktop", "Linux (desktop)"],
    [null, "unknown", "Unknown browser (unknown)"],
  ])("labels %s", (ua, device, label) => {
    expect(deviceLabel(ua, device)).toBe(label);
  });
});

describe("formatDuration", () => {
  it.each([
    [null, "—"],
    [250, "250 ms"],
    [4200, "4.2 s"],
    [59_960, "1 min 00 s"],
    [185_000, "3 min 05 s"],
    [3_725_000, "1 h 02 min"],
  ])("formats %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("search form", () => {
  it("resolves wall-clock times in the chosen zone and drops empty fields", () => {
    const form = readSearchForm({
      from: "2026-11-23T10:00",
      to: " 1700000000000 ",
      errors: "on",
      url: "",
      tz: "x",
    });
    expect(toSessionQuery(form, parseZone("Asia/Kolkata"))).toEqual({
      from: String(Date.UTC(2026, 10, 23, 4, 30)),
      to: "1700000000000",
      errors: "true",
    });
  });

  it("passes what is not a wall-clock time through, to be refused by the shared parser", () => {
    expect(toSessionQuery(readSearchForm({ from: "yesterday" }), parseZone("UTC"))).toEqual({
      from: "yesterday",
    });
  });

  it("builds search links that never carry the customer's identifier", () => {
    const form = readSearchForm({ customer: "alice@example.com", customer_token: "[hash:ab]", tz: "UTC" });
    const href = searchHref(form, { cursor: "abc" });
    expect(href).toBe("/__verbatim/?customer_token=%5Bhash%3Aab%5D&tz=UTC&cursor=abc");
    expect(href).not.toContain("alice");
    expect(searchHref(readSearchForm({}))).toBe("/__verbatim/");
  });
});
