import { describe, expect, it } from "vitest";
import { narrowAcceptEncoding } from "../../worker/src/proxy/upstream-request.ts";
import { classify } from "../../worker/src/snapshot/content-class.ts";
import { deviceClass } from "../../worker/src/snapshot/device-class.ts";
import { exchangeId } from "../../worker/src/snapshot/ids.ts";
import { truncateIp } from "../../worker/src/snapshot/ip-truncate.ts";
import { canonicalJson } from "../../worker/src/snapshot/record-hash.ts";

describe("snapshot helpers", () => {
  it.each([
    ["203.0.113.77", 24, "203.0.113.0/24"],
    ["203.0.113.77", 16, "203.0.0.0/16"],
    ["203.0.113.77", 32, "203.0.113.77/32"],
    ["2001:db8:abcd:12:1:2:3:4", 48, "2001:db8:abcd:0:0:0:0:0/48"],
    ["::1", 48, "0:0:0:0:0:0:0:0/48"],
    ["999.1.1.1", 24, null],
    ["not an ip", 24, null],
  ])("truncates %s to /%i", (ip, bits, expected) => {
    expect(truncateIp(ip, bits, bits)).toBe(expected);
  });

  it.each([
    ["text/html; charset=utf-8", "html"],
    ["application/vnd.api+json", "json"],
    ["text/javascript", "js"],
    ["image/svg+xml", "image"],
    ["font/woff2", "font"],
    ["application/x-www-form-urlencoded", "form"],
    ["multipart/form-data; boundary=x", "multipart"],
    ["application/octet-stream", "other"],
    [null, "other"],
  ])("classifies %s as %s", (type, cls) => {
    expect(classify(type)).toBe(cls);
  });

  it.each([
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148", "mobile"],
    ["Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)", "tablet"],
    ["Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari", "mobile"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130", "desktop"],
    ["curl/8.5.0", "bot"],
    [null, "unknown"],
  ])("classifies the device of %s", (ua, device) => {
    expect(deviceClass(ua)).toBe(device);
  });

  it.each([
    ["gzip, deflate, br, zstd", "gzip, deflate"],
    ["br", "identity"],
    ["*", "identity"],
  ])("narrows Accept-Encoding %s to %s", (input, expected) => {
    expect(narrowAcceptEncoding(input)).toBe(expected);
  });

  it("makes exchange ids that sort by time", () => {
    const a = exchangeId(1_700_000_000_000);
    const b = exchangeId(1_700_000_000_001);
    expect(a < b).toBe(true);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it("serialises records canonically whatever the key order", () => {
    expect(canonicalJson({ b: 1, a: [true, null, "x"], c: { z: 1, y: 2 } })).toBe(
      canonicalJson({ c: { y: 2, z: 1 }, a: [true, null, "x"], b: 1 }),
    );
  });
});
