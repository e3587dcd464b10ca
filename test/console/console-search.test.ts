import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { formatInZone, parseZone } from "../../worker/src/read/model/time-zone.ts";
import type { ExchangeRow } from "../../worker/src/record/rows.ts";
import { sessions } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { consoleGet, consolePost, textOf } from "./support/console-client.ts";
import { Device, LAPTOP_UA, PHONE_UA } from "./support/device.ts";
import { recordAndLogIn, sessionOf } from "./support/recording.ts";

describe("support console search", () => {
  const alice = new Customer("alice");
  const bob = new Customer("bob");
  const phone = new Device(PHONE_UA);
  const laptop = new Device(LAPTOP_UA);
  let cookie = "";
  let rows: ExchangeRow[] = [];
  let aliceSession = "";
  let bobSession = "";

  beforeAll(async () => {
    ({ rows, aliceSession, bobSession, cookie } = await recordAndLogIn(alice, bob, phone, laptop));
  });

  describe("search", () => {
    it("finds only the customer's sessions by identifier, keeping the identifier out of every URL", async () => {
      const posted = await consolePost("/__verbatim/search", { customer: " ALICE ", tz: "UTC" }, cookie);
      expect(posted.response.status).toBe(303);
      const location = posted.response.headers.get("location") ?? "";
      expect(location).toMatch(/customer_token=%5Bhash%3A[0-9a-f]{32}%5D/);
      expect(location.toLowerCase()).not.toContain("alice");
      const page = await consoleGet(location, cookie);
      expect(page.response.status).toBe(200);
      const aliceSessions = new Set(
        (
          await env.DB.prepare("SELECT session_id FROM session_customers").all<{ session_id: string }>()
        ).results
          .map((r) => r.session_id)
          .filter((id) => id !== bobSession),
      );
      expect(aliceSessions.size).toBe(3);
      for (const id of aliceSessions) expect(page.text).toContain(`/__verbatim/sessions/${id}`);
      expect(page.text).not.toContain(`/__verbatim/sessions/${bobSession}`);
      expect(page.text).toContain("3 sessions");
      expect(page.text).toContain("Show all of this customer");
    });

    it("searches a time range typed in the viewer's zone, and shows times in that zone and UTC", async () => {
      const all = await sessions();
      const first = Math.min(...all.map((s) => s.first_seen));
      const kolkata = parseZone("Asia/Kolkata");
      const tenMinutesBefore = formatInZone(first - 10 * 60_000, kolkata).replace(" ", "T");
      const from = await consoleGet(`/__verbatim/?tz=Asia/Kolkata&from=${tenMinutesBefore}`, cookie);
      expect(textOf(from.text)).toContain("4 sessions");
      expect(from.text).toContain(`${formatInZone(first, kolkata)} UTC+05:30`);
      expect(from.text).toContain(`${formatInZone(first, parseZone("UTC"))} UTC`);
      const to = await consoleGet(`/__verbatim/?tz=Asia/Kolkata&to=${tenMinutesBefore}`, cookie);
      expect(textOf(to.text)).toContain("No sessions match");
      // The same wall-clock time read as UTC is 5 h 30 later: after every session.
      const toInUtc = await consoleGet(`/__verbatim/?tz=UTC&to=${tenMinutesBefore}`, cookie);
      expect(textOf(toInUtc.text)).toContain("4 sessions");
    });

    it("remembers the chosen zone for the other console pages", async () => {
      const search = await consoleGet("/__verbatim/?tz=America/New_York", cookie);
      const zoneCookie =
        search.response.headers.getSetCookie().find((l) => l.startsWith("verbatim_tz=")) ?? "";
      expect(zoneCookie).toContain("America%2FNew_York");
      const page = await consoleGet(
        `/__verbatim/sessions/${aliceSession}`,
        `${cookie}; ${zoneCookie.split(";")[0]}`,
      );
      expect(page.text).toContain("Times in America/New_York");
    });

    it("filters by session id, cookie, URL, errors and device", async () => {
      const count = async (query: string) => {
        const page = await consoleGet(`/__verbatim/?${query}`, cookie);
        return [...page.text.matchAll(/href="\/__verbatim\/sessions\/([0-9a-f]{32})"/g)].map((m) => m[1]);
      };
      expect(await count(`session=${aliceSession}`)).toEqual([aliceSession]);
      expect(await count(`cookie=${encodeURIComponent(`shop.sid=${bob.jar.get("shop.sid")}`)}`)).toEqual([
        bobSession,
      ]);
      expect(await count("url=%2Fapi%2Fcart")).toEqual([aliceSession]);
      expect(await count("errors=true")).toEqual([bobSession]);
      expect(await count("device=mobile")).toEqual([
        sessionOf(rows, "/", "GET") && rows.find((r) => r.request_headers.includes("iPhone"))?.session_id,
      ]);
      expect(await count("ua=Chrome")).toHaveLength(1);
    });

    it("pages through results with a cursor", async () => {
      const first = await consoleGet("/__verbatim/?tz=UTC&limit=2", cookie);
      const next = /href="([^"]*cursor=[^"]*)">Next page/.exec(first.text)?.[1]?.replace(/&amp;/g, "&");
      expect(next).toBeDefined();
      const second = await consoleGet(next ?? "", cookie);
      expect(second.response.status).toBe(200);
      expect(second.text).toContain("First page");
    });

    it.each([
      ["from=yesterday", "from must be an ISO-8601 time"],
      ["tz=Mars/Olympus_Mons", "tz must be an IANA time zone"],
      ["device=toaster", "device must be one of"],
      ["session=not-an-id", "session is not a valid id"],
      ["cookie=novalue", 'cookie must be "name=value"'],
      ["from=2026-11-23T10:00&to=2026-11-22T10:00", "from must not be after to"],
      ["cursor=garbage", "cursor is not one this API issued"],
      ["customer_token=alice", "customer_token must look like"],
    ])("re-renders the form with a clear message for %s", async (query, message) => {
      const page = await consoleGet(`/__verbatim/?${query}`, cookie);
      expect(page.response.status).toBe(400);
      expect(page.text).toContain('<form class="search"');
      expect(textOf(page.text)).toContain(message);
    });

    it("re-renders a posted search with bad input, keeping what was typed", async () => {
      const page = await consolePost("/__verbatim/search", { customer: "alice", from: "soon" }, cookie);
      expect(page.response.status).toBe(400);
      expect(textOf(page.text)).toContain("from must be an ISO-8601 time");
      expect(page.text).toContain('value="alice"');
    });
  });
});
