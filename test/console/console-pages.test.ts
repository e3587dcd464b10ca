import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { formatInZone, parseZone } from "../../worker/src/read/model/time-zone.ts";
import { verifyReplayGrant } from "../../worker/src/replay/replay-grant.ts";
import { replayUrl } from "../../worker/src/replay/replay-host.ts";
import { blobKey } from "../../worker/src/store/blob-store.ts";
import type { ExchangeRow } from "../../worker/src/record/rows.ts";
import { Customer } from "../helpers/browser-like.ts";
import { tamperRecord } from "../helpers/archive.ts";
import { CONSOLE, SITE } from "../helpers/visit.ts";
import { consoleGet, textOf } from "./support/console-client.ts";
import { Device, LAPTOP_UA, PHONE_UA } from "./support/device.ts";
import { path, recordAndLogIn } from "./support/recording.ts";

describe("support console pages", () => {
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

  describe("session timeline", () => {
    it("lists page views in order with the JSON calls nested under the page that made them", async () => {
      const page = await consoleGet(`/__verbatim/sessions/${aliceSession}?tz=UTC`, cookie);
      expect(page.response.status).toBe(200);
      const pageViews = rows.filter((r) => r.session_id === aliceSession && r.page_view === 1);
      expect(pageViews.map(path)).toEqual(["/", "/products/home-insurance", "/checkout", "/checkout"]);
      const positions = pageViews.map((r) => page.text.indexOf(`id="x-${r.id}"`));
      expect(positions.every((p, i) => p > 0 && (i === 0 || p > (positions[i - 1] ?? 0)))).toBe(true);
      const [home = 0, product = 0, checkout = 0] = positions;
      const productItem = page.text.slice(product, checkout);
      expect(productItem).toContain("/api/quote?product=home-insurance");
      expect(productItem).toContain("/api/cart");
      expect(page.text.slice(home, product)).toContain("/login");
      expect(page.text.slice(home, product)).toContain("+ 1 asset");
      for (const r of pageViews) expect(page.text).toContain(`href="/__verbatim/replay/${r.id}"`);
      expect(page.text).toContain('<svg class="chart"');
    });

    it("shows submitted fields as stored: masked ones masked, with the rule that masked them", async () => {
      const text = textOf((await consoleGet(`/__verbatim/sessions/${aliceSession}`, cookie)).text);
      expect(text).toContain("password [REDACTED] · masked by rule password");
      expect(text).toMatch(/cvv \[REDACTED\] · masked by rule card-security-code/);
      expect(text).toMatch(/cardNumber \S+ \S+ \S+ 4242 · masked by rule card-number/);
      expect(text).toContain("quantity 1");
      expect(text).not.toContain("4242 4242 4242 4242");
      expect(text).not.toContain("alice-pass");
    });

    it("highlights errors: a failed call and a 404 page view", async () => {
      const page = await consoleGet(`/__verbatim/sessions/${bobSession}`, cookie);
      const account = rows.find((r) => r.url.endsWith("/api/account"));
      const missing = rows.find((r) => r.url.endsWith("/no-such-page"));
      expect(page.text).toContain(`<li class="failed" id="x-${account?.id}"`);
      expect(page.text).toContain(`<li class="failed" id="x-${missing?.id}"`);
      expect(page.text).toContain('stroke="#c62828"');
    });

    it("says clearly when the session does not exist", async () => {
      const page = await consoleGet("/__verbatim/sessions/0123456789abcdef0123456789abcdef", cookie);
      expect(page.response.status).toBe(404);
      expect(textOf(page.text)).toContain("no session 0123456789abcdef0123456789abcdef");
    });
  });

  describe("customer view", () => {
    it("joins every session of one customer across devices, labelled by device", async () => {
      const page = await consoleGet("/__verbatim/customers?customer=alice", cookie);
      expect(page.response.status).toBe(200);
      const text = textOf(page.text);
      expect(text).toContain("3 sessions on 3 devices");
      expect(text).toContain("Safari on iOS (mobile)");
      expect(text).toContain("Chrome on macOS (desktop)");
      expect(text).toContain("Linux (desktop)");
      expect(page.text).toContain(`/__verbatim/sessions/${aliceSession}`);
      expect(page.text).not.toContain(bobSession);
      const car = rows.find((r) => r.url.endsWith("/products/car-insurance"));
      expect(page.text).toContain(`href="/__verbatim/replay/${car?.id}"`);
    });

    it("asks for the identifier when none is given", async () => {
      const page = await consoleGet("/__verbatim/customers", cookie);
      expect(page.response.status).toBe(400);
      expect(textOf(page.text)).toContain("give the customer's identifier");
    });
  });

  describe("replay frame", () => {
    const pageViews = () => rows.filter((r) => r.session_id === aliceSession && r.page_view === 1);

    it("frames the replay origin under a banner with session, capture time, policy and a verified record", async () => {
      const [home, product] = pageViews();
      if (!home || !product) throw new Error("alice has no page views");
      await env.DB.prepare(
        "INSERT INTO replay_events (at, session_id, page_view_id, kind, url) VALUES (?, ?, ?, 'blocked', ?)",
      )
        .bind(Date.now(), aliceSession, product.id, "https://tracker.example/pixel")
        .run();
      const page = await consoleGet(`/__verbatim/replay/${product.id}?tz=Europe/Berlin`, cookie);
      expect(page.response.status).toBe(200);
      // The frame enters the page view's replay origin with a grant for this viewer and this session only.
      const origin = new URL(
        replayUrl(
          { sessionId: aliceSession, pageViewId: product.id },
          product.url,
          `${CONSOLE}/`,
          "replay.localhost",
        ),
      ).origin;
      const src = /<iframe class="replay" src="([^"]+)"/.exec(page.text)?.[1]?.replace(/&amp;/g, "&") ?? "";
      const entry = new URL(src);
      expect(entry.origin).toBe(origin);
      expect(entry.pathname).toBe("/__verbatim-replay/grant");
      expect(entry.searchParams.get("to")).toBe("/products/home-insurance");
      const grant = entry.searchParams.get("g") ?? "";
      expect(
        await verifyReplayGrant(env.VERBATIM_SECRET ?? "", grant, aliceSession, Date.now()),
      ).not.toBeNull();
      expect(
        await verifyReplayGrant(env.VERBATIM_SECRET ?? "", grant, "0".repeat(32), Date.now()),
      ).toBeNull();
      expect(page.text).toContain('sandbox="allow-scripts allow-forms allow-same-origin"');
      expect(page.response.headers.get("content-security-policy")).toContain(
        "frame-src https://*.replay.localhost;",
      );
      const banner = textOf(
        page.text.slice(page.text.indexOf('<section class="banner"'), page.text.indexOf("</section>")),
      );
      expect(banner).toContain(aliceSession.slice(0, 12));
      expect(banner).toContain(`${formatInZone(product.started_at, parseZone("Europe/Berlin"))} UTC+01:00`);
      expect(banner).toContain(`${formatInZone(product.started_at, parseZone("UTC"))} UTC`);
      expect(banner).toContain(product.mask_policy);
      expect(banner).toContain("Integrity verified");
      expect(page.text).toContain(`href="/__verbatim/replay/${home.id}"`);
      expect(textOf(page.text)).toContain("blocked (left the replay origin) https://tracker.example/pixel");
    });

    it("refuses an exchange that is not a page view", async () => {
      const quote = rows.find((r) => r.url.includes("/api/quote"));
      const page = await consoleGet(`/__verbatim/replay/${quote?.id}`, cookie);
      expect(page.response.status).toBe(404);
      expect(textOf(page.text)).toContain("is not a page view");
    });

    it("shows MISMATCH after the stored record is edited", async () => {
      const checkout = pageViews()[2];
      await tamperRecord(checkout?.id ?? "", (row) => {
        row.status = 500;
      });
      const page = await consoleGet(`/__verbatim/replay/${checkout?.id}`, cookie);
      expect(page.response.status).toBe(200);
      expect(textOf(page.text)).toContain("Integrity MISMATCH");
      expect(textOf(page.text)).toContain(`stored record hash ${checkout?.record_hash}`);
    });

    it("shows body missing after the R2 object is deleted", async () => {
      const car = rows.find((r) => r.url.endsWith("/products/car-insurance"));
      await env.BLOBS.delete(blobKey(car?.response_body_digest ?? ""));
      const page = await consoleGet(`/__verbatim/replay/${car?.id}`, cookie);
      expect(textOf(page.text)).toContain("Integrity body missing");
    });
  });
});
