import { describe, expect, it } from "vitest";
import type { ArchivedExchange } from "./lib/archive.ts";
import { compareWithArchive, sameAfterMasking } from "./lib/har.ts";
import { scanBytes } from "./lib/scan.ts";
import { luhnValid, needles, newCardNumber, newPassword } from "./lib/secrets.ts";

/** The suite's own instruments: a scan that misses an encoding, or a matcher that is too lenient, hides defects. */
describe("secrets", () => {
  it("draws Luhn-valid 16-digit card numbers", () => {
    for (let i = 0; i < 200; i++) {
      const card = newCardNumber();
      expect(card).toMatch(/^4\d{15}$/);
      expect(luhnValid(card)).toBe(true);
    }
    expect(luhnValid("4111111111111112")).toBe(false);
  });

  it("finds a secret base64-encoded at any offset inside a longer text", () => {
    const secret = newPassword("B64");
    const wanted = needles([{ label: "pw", value: secret }]);
    for (let before = 0; before < 6; before++)
      for (const alphabet of ["base64", "base64url"] as const) {
        const text = Buffer.from(`${"x".repeat(before)}${secret}&more`, "utf8").toString(alphabet);
        expect(scanBytes("t", Buffer.from(text), wanted).length, `${alphabet}, ${before}`).toBeGreaterThan(0);
      }
  });

  it("finds a secret as browsers, PHP and JSON encode it, also in UTF-16", () => {
    const secret = newPassword("Enc");
    const wanted = needles([{ label: "pw", value: secret }]);
    const forms = [
      new URLSearchParams({ p: secret }).toString(),
      `q=${encodeURIComponent(encodeURI(secret))}`,
      JSON.stringify({ password: secret }).replace(/ü/g, "\\u00fc"),
      `{"p":"${secret.replace(/ü/g, "\\u00fc")}"}`,
    ];
    for (const form of forms)
      expect(scanBytes("t", Buffer.from(form), wanted).length, form).toBeGreaterThan(0);
    expect(scanBytes("t", Buffer.from(`a${secret}b`, "utf16le"), wanted).length).toBeGreaterThan(0);
  });
});

const exchange = (method: string, url: string): ArchivedExchange => ({
  id: url,
  sessionId: "s",
  startedAt: "2026-01-01T00:00:00Z",
  pageView: false,
  request: { method, url, body: { href: null } },
  response: { status: 200, contentType: null, body: { href: null } },
});

describe("HAR against the archive", () => {
  const live = (path: string) => new URL(`http://127.0.0.1:1${path}`);
  const stored = (path: string) => new URL(`http://127.0.0.1:1${path}`);

  it("compares URLs after masking, and only where a stand-in is", () => {
    expect(sameAfterMasking(live("/s/4111111111111111"), stored("/s/XXXXXXXXXXXX1111"))).toBe(true);
    expect(sameAfterMasking(live("/a?q=secret&x=1"), stored("/a?q=%5BREDACTED%5D&x=1"))).toBe(true);
    expect(sameAfterMasking(live("/a?q=secret&x=1"), stored("/a?q=%5BREDACTED%5D&x=2"))).toBe(false);
    expect(sameAfterMasking(live("/s/4111111111111111"), stored("/s/XXXXXXXXXXXX2222"))).toBe(false);
    expect(sameAfterMasking(live("/a?q=1"), stored("/a?r=%5BREDACTED%5D"))).toBe(false);
    expect(sameAfterMasking(live("/a/b"), stored("/a"))).toBe(false);
  });

  it("counts escapes, misses and cached answers apart", () => {
    const entry = (url: string, cached = false) => ({
      startedDateTime: "",
      request: { method: "GET", url },
      response: { status: 200, _transferSize: cached ? 0 : 100 },
      timings: { wait: cached ? -1 : 1 },
    });
    const capture = compareWithArchive(
      [
        entry("http://127.0.0.1:1/a"),
        entry("http://127.0.0.1:1/a"),
        entry("http://127.0.0.1:1/b", true),
        entry("http://127.0.0.1:2/after-redirect"),
        entry("http://127.0.0.1:1/__verbatim/api/health"),
        entry("http://127.0.0.1:1/healthz"),
      ],
      [exchange("GET", "http://127.0.0.1:1/a")],
      { recorder: "http://127.0.0.1:1", app: ["http://127.0.0.1:2"] },
      ["/healthz"],
    );
    expect(capture.browserRequests).toBe(3);
    expect(capture.recorded).toBe(1);
    expect(capture.missing.map((r) => r.url)).toEqual(["http://127.0.0.1:1/a"]);
    expect(capture.escaped.map((r) => r.url)).toEqual(["http://127.0.0.1:2/after-redirect"]);
    expect(capture.fromCache).toBe(1);
    expect(capture.excluded).toHaveLength(1);
  });
});
