import { describe, expect, it } from "vitest";
import {
  COOKIE_TTL_MS,
  ENTRY_TTL_MS,
  mintReplayGrant,
  sealGrant,
  verifyReplayGrant,
  viewerHashOf,
  type GrantUse,
} from "../../worker/src/replay/replay-grant.ts";

const SECRET = "grant-secret-0123456789abcdef";
const SESSION = "0123456789abcdef0123456789abcdef";
const OTHER_SESSION = "fedcba9876543210fedcba9876543210";
const NOW = Date.UTC(2026, 2, 6, 9, 0, 0);

const entry = () =>
  mintReplayGrant(SECRET, { sessionId: SESSION, viewer: "ana@example.com", now: NOW, ttlMs: ENTRY_TTL_MS });

/** Replaces one dot-separated field of a token. */
function withField(token: string, index: number, value: string): string {
  const fields = token.split(".");
  fields[index] = value;
  return fields.join(".");
}

describe("replay grants", () => {
  it("name the viewer by a keyed hash only", async () => {
    const token = await entry();
    expect(token).not.toContain("ana");
    const hash = await viewerHashOf(SECRET, "ana@example.com");
    expect(token.split(".")[1]).toBe(hash);
    expect(await viewerHashOf(SECRET, "bo@example.com")).not.toBe(hash);
    expect(await viewerHashOf("another-secret-0123456789abcdef", "ana@example.com")).not.toBe(hash);
  });

  it.each<[string, () => Promise<string>, string, number, GrantUse, boolean]>([
    ["a fresh entry grant for its session", entry, SESSION, NOW + 1000, "entry", true],
    ["the same grant for another session", entry, OTHER_SESSION, NOW + 1000, "entry", false],
    ["an entry grant used as a cookie", entry, SESSION, NOW + 1000, "cookie", false],
    ["an entry grant at its expiry", entry, SESSION, NOW + ENTRY_TTL_MS, "entry", false],
    ["an entry grant past its expiry", entry, SESSION, NOW + ENTRY_TTL_MS + 1, "entry", false],
    [
      "a grant with its viewer swapped",
      async () => withField(await entry(), 1, await viewerHashOf(SECRET, "eve")),
      SESSION,
      NOW,
      "entry",
      false,
    ],
    [
      "a grant with its expiry pushed back",
      async () => withField(await entry(), 2, (NOW + COOKIE_TTL_MS).toString(36)),
      SESSION,
      NOW,
      "entry",
      false,
    ],
    [
      "a grant with its end pushed back",
      async () => withField(await entry(), 3, (NOW + 10 * COOKIE_TTL_MS).toString(36)),
      SESSION,
      NOW,
      "entry",
      false,
    ],
    [
      "a grant with another MAC",
      async () => withField(await entry(), 4, "A".repeat(43)),
      SESSION,
      NOW,
      "entry",
      false,
    ],
    [
      "a grant made with another secret",
      () =>
        mintReplayGrant("another-secret-0123456789abcdef", {
          sessionId: SESSION,
          viewer: "ana@example.com",
          now: NOW,
          ttlMs: ENTRY_TTL_MS,
        }),
      SESSION,
      NOW,
      "entry",
      false,
    ],
    ["an empty token", async () => "", SESSION, NOW, "entry", false],
    ["garbage", async () => "e.x.y.z.w", SESSION, NOW, "entry", false],
    ["a grant with an extra field", async () => `${await entry()}.x`, SESSION, NOW, "entry", false],
    ["a session id that is not one", entry, "not-a-session", NOW, "entry", false],
  ])("verify: %s", async (_name, token, session, now, use, valid) => {
    const verified = await verifyReplayGrant(SECRET, await token(), session, now, use);
    if (valid)
      expect(verified).toMatchObject({
        viewerHash: await viewerHashOf(SECRET, "ana@example.com"),
        expiresAt: NOW + ENTRY_TTL_MS,
      });
    else expect(verified).toBeNull();
  });

  it("carry the end the console set into every grant minted from them", async () => {
    const first = await verifyReplayGrant(SECRET, await entry(), SESSION, NOW);
    if (!first) throw new Error("the entry grant should verify");
    expect(first.until).toBe(NOW + COOKIE_TTL_MS);
    // Twenty-nine minutes on, the replay origin hands out the entry to the next page view: it ends with the first.
    const later = NOW + 29 * 60 * 1000;
    const next = await sealGrant(SECRET, {
      sessionId: SESSION,
      viewerHash: first.viewerHash,
      expiresAt: later + ENTRY_TTL_MS,
      until: first.until,
      use: "entry",
    });
    const verified = await verifyReplayGrant(SECRET, next, SESSION, later);
    expect(verified).toEqual({ viewerHash: first.viewerHash, expiresAt: first.until, until: first.until });
    expect(await verifyReplayGrant(SECRET, next, SESSION, first.until)).toBeNull();
  });

  it("tell cookies from entries", async () => {
    const hash = await viewerHashOf(SECRET, "ana@example.com");
    const cookie = await sealGrant(SECRET, {
      sessionId: SESSION,
      viewerHash: hash,
      expiresAt: NOW + COOKIE_TTL_MS,
      until: NOW + COOKIE_TTL_MS,
      use: "cookie",
    });
    expect(await verifyReplayGrant(SECRET, cookie, SESSION, NOW, "cookie")).toMatchObject({
      viewerHash: hash,
    });
    expect(await verifyReplayGrant(SECRET, cookie, SESSION, NOW, "entry")).toBeNull();
  });
});
