import { describe, expect, it } from "vitest";
import { safeNext } from "../../worker/src/console/auth/console-auth.ts";
import {
  CONSOLE_SESSION_MS,
  issueConsoleSession,
  verifyConsoleSession,
} from "../../worker/src/console/auth/session-cookie.ts";

const keys = { secret: "test-secret-0123456789abcdef", token: "test-token" };
const NOW = Date.UTC(2026, 10, 23, 9);

describe("console session cookie", () => {
  it("is an expiry and a MAC, never the token", async () => {
    const value = await issueConsoleSession(keys, NOW);
    expect(value).toMatch(new RegExp(`^${NOW + CONSOLE_SESSION_MS}\\.[A-Za-z0-9_-]{43}$`));
    expect(value).not.toContain(keys.token);
    expect(await verifyConsoleSession(keys, value, NOW + 60_000)).toBe(true);
  });

  it.each([
    ["a flipped MAC character", async () => flip(await issueConsoleSession(keys, NOW)), NOW],
    [
      "a moved expiry",
      async () => (await issueConsoleSession(keys, NOW)).replace(/^\d+/, String(NOW + 9e6)),
      NOW,
    ],
    ["an expired cookie", () => issueConsoleSession(keys, NOW), NOW + CONSOLE_SESSION_MS + 1],
    ["a cookie from the future", () => issueConsoleSession(keys, NOW + 60 * 60_000), NOW],
    ["a cookie for another token", () => issueConsoleSession({ ...keys, token: "old-token" }, NOW), NOW],
    [
      "a cookie under another secret",
      () => issueConsoleSession({ ...keys, secret: "another-secret-0123456789" }, NOW),
      NOW,
    ],
    ["the token itself", async () => keys.token, NOW],
    ["nothing", async () => "", NOW],
  ])("refuses %s", async (_name, make, at) => {
    expect(await verifyConsoleSession(keys, await make(), at)).toBe(false);
  });

  it("refuses a missing cookie", async () => {
    expect(await verifyConsoleSession(keys, undefined, NOW)).toBe(false);
  });
});

describe("console session cookie encoding", () => {
  it("refuses another spelling of the same MAC (base64's spare bits in the last character)", async () => {
    const value = await issueConsoleSession(keys, NOW);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(value.slice(-1));
    // A 32-byte MAC leaves 2 unused bits in the last of its 43 characters: flipping one decodes to the same bytes.
    const respelled = value.slice(0, -1) + alphabet[last ^ 1];
    expect(await verifyConsoleSession(keys, respelled, NOW + 60_000)).toBe(false);
  });
});

describe("safeNext", () => {
  it.each([
    ["/__verbatim/sessions/abc?tz=UTC", "/__verbatim/sessions/abc?tz=UTC"],
    [undefined, "/__verbatim/"],
    ["https://evil.example/", "/__verbatim/"],
    ["//evil.example/__verbatim/", "/__verbatim/"],
    ["/__verbatim//evil.example", "/__verbatim/"],
    ["/__verbatim/\\evil", "/__verbatim/"],
    ["/__verbatim/login", "/__verbatim/"],
    ["/elsewhere", "/__verbatim/"],
  ])("sends %s to %s after login", (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});

function flip(value: string): string {
  const last = value.at(-1) === "A" ? "B" : "A";
  return value.slice(0, -1) + last;
}
