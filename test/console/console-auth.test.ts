import { beforeAll, describe, expect, it } from "vitest";
import { Customer } from "../helpers/browser-like.ts";
import { DEMO } from "../helpers/visit.ts";
import { expectLogs, loggedEvents } from "../helpers/logs.ts";
import { consoleCookieOf, consoleGet, consolePost, logIn, textOf } from "./support/console-client.ts";
import { Device, LAPTOP_UA, PHONE_UA } from "./support/device.ts";
import { record } from "./support/recording.ts";

describe("support console login", () => {
  let cookie = "";

  beforeAll(async () => {
    await record(new Customer("alice"), new Customer("bob"), new Device(PHONE_UA), new Device(LAPTOP_UA));
    cookie = await logIn();
  });

  describe("login", () => {
    it("sends a visitor without the cookie to the login form, and back afterwards", async () => {
      const page = await consoleGet("/__verbatim/sessions/0123456789abcdef0123456789abcdef?tz=UTC", null);
      expect(page.response.status).toBe(303);
      const login = page.response.headers.get("location") ?? "";
      expect(login).toBe(
        `/__verbatim/login?next=${encodeURIComponent("/__verbatim/sessions/0123456789abcdef0123456789abcdef?tz=UTC")}`,
      );
      const form = await consoleGet(login, null);
      expect(form.response.status).toBe(200);
      expect(form.text).toContain('name="token"');
      expect(form.text).toContain('value="/__verbatim/sessions/0123456789abcdef0123456789abcdef?tz=UTC"');
    });

    it("refuses a wrong token with a message and no cookie", async () => {
      expectLogs("auth_failed");
      const result = await consolePost("/__verbatim/login", { token: "guess", next: "/__verbatim/" }, null);
      expect(result.response.status).toBe(401);
      expect(textOf(result.text)).toContain("That token is not valid here");
      expect(consoleCookieOf(result)).toBeNull();
      expect(loggedEvents("auth_failed")).toHaveLength(1);
    });

    it("exchanges the right token for a signed HttpOnly, SameSite=Strict cookie scoped to the console", async () => {
      const result = await consolePost(
        "/__verbatim/login",
        { token: DEMO.support, next: "/__verbatim/?tz=UTC" },
        null,
      );
      expect(result.response.status).toBe(303);
      expect(result.response.headers.get("location")).toBe("/__verbatim/?tz=UTC");
      const line =
        result.response.headers.getSetCookie().find((l) => l.startsWith("__Host-verbatim_console=")) ?? "";
      expect(line).toMatch(/HttpOnly/);
      expect(line).toMatch(/SameSite=Strict/);
      expect(line).toMatch(/Path=\//);
      expect(line).not.toMatch(/Domain=/i);
      expect(line).toMatch(/Secure/);
      expect(line).toMatch(/Max-Age=28800/);
      expect(line).not.toContain(DEMO.support);
      const page = await consoleGet("/__verbatim/", consoleCookieOf(result));
      expect(page.response.status).toBe(200);
      expect(textOf(page.text)).toContain("Find a customer's session");
    });

    it.each([
      ["no Origin header", null],
      ["another site's Origin", "https://evil.example"],
    ])("refuses a login form posted with %s (CSRF)", async (_name, origin) => {
      const result = await consolePost("/__verbatim/login", { token: DEMO.support }, null, origin);
      expect(result.response.status).toBe(403);
      expect(consoleCookieOf(result)).toBeNull();
    });

    it("never redirects off the console after login", async () => {
      const result = await consolePost(
        "/__verbatim/login",
        { token: DEMO.support, next: "//evil.example/" },
        null,
      );
      expect(result.response.headers.get("location")).toBe("/__verbatim/");
    });

    it.each([
      ["tampered", async (good: string) => `${good.slice(0, -1)}${good.endsWith("A") ? "B" : "A"}`],
      ["unsigned", async (good: string) => good.replace(/\.[^.]*$/, "")],
      ["the raw token", async () => `__Host-verbatim_console=${DEMO.compliance}`],
    ])("refuses a %s cookie on pages and on the API", async (_name, make) => {
      const bad = await make(cookie);
      const page = await consoleGet("/__verbatim/", bad);
      expect(page.response.status).toBe(303);
      expect(page.response.headers.get("location")).toMatch(/^\/__verbatim\/login/);
      expect((await consoleGet("/__verbatim/api/sessions", bad)).response.status).toBe(401);
    });

    it("lets the read API accept the console cookie as well as the bearer token", async () => {
      const result = await consoleGet("/__verbatim/api/sessions", cookie);
      expect(result.response.status).toBe(200);
      expect((JSON.parse(result.text) as { sessions: unknown[] }).sessions.length).toBe(4);
    });

    it("logs out by clearing the cookie, only from the console's own forms", async () => {
      const refused = await consolePost("/__verbatim/logout", {}, cookie, "https://evil.example");
      expect(refused.response.status).toBe(403);
      const result = await consolePost("/__verbatim/logout", {}, cookie);
      expect(result.response.status).toBe(303);
      expect(result.response.headers.get("location")).toBe("/__verbatim/login?bye=1");
      expect(result.response.headers.getSetCookie().join("\n")).toMatch(
        /__Host-verbatim_console=;.*Max-Age=0/,
      );
    });

    it("redirects /__verbatim to the console and leaves unknown paths to the recorder's JSON 404", async () => {
      const root = await consoleGet("/__verbatim", null);
      expect(root.response.headers.get("location")).toBe("/__verbatim/");
      const unknown = await consoleGet("/__verbatim/nothing-here", cookie);
      expect(unknown.response.status).toBe(404);
      expect(unknown.response.headers.get("content-type")).toContain("application/json");
    });
  });
});
