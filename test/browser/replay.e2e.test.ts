import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayUrl } from "../../worker/src/replay/replay-host.ts";
import { api, startRecorder, startShop, type Recorder, type Shop } from "./harness.ts";
import { comparePngs, type Box } from "./pixels.ts";

/**
 * Two customers browse the demo shop through the recorder in Chromium; the site then changes (v2); each of
 * their page views is replayed at its own replay origin and must paint the same pixels as the customer saw,
 * with every request staying on the replay origin.
 */
const VIEWPORT = { width: 1280, height: 900 };
/** One clock for recording and for the live site afterwards: 09:00 UTC on a Friday (morning offer). */
const NOW = new Date("2026-03-06T09:00:00Z");
const ARTIFACTS = join(tmpdir(), "verbatim-replay-e2e");
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

type Shot = { name: string; png: Buffer; masked: Box[] };
type ExchangeView = {
  id: string;
  sessionId: string;
  pageView: boolean;
  request: { method: string; url: string };
};

/** The quote widget is filled by the page's script from two JSON calls; fonts block text until loaded. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState("load");
  if ((await page.locator("#quote-widget").count()) > 0)
    await page.waitForSelector("#quote-widget .quote-price");
  // Browser-side code is passed as strings: this file is type-checked without the DOM library.
  await page.evaluate("document.fonts.ready.then(() => undefined)");
}

async function shot(page: Page, name: string, maskedSelectors: readonly string[] = []): Promise<Shot> {
  await settle(page);
  const masked: Box[] = [];
  for (const selector of maskedSelectors) {
    const box = await page.locator(selector).boundingBox();
    if (box) masked.push(box);
  }
  return { name, png: await page.screenshot({ fullPage: true }), masked };
}

async function addToCart(page: Page): Promise<void> {
  await page.click("#add-to-cart");
  await page.waitForSelector("#add-to-cart:not([disabled])");
  expect(await page.textContent("#cart-count")).toMatch(/^Cart: 1 item/);
}

async function login(page: Page, username: string, password: string): Promise<void> {
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password);
  await Promise.all([page.waitForLoadState("load"), page.click("button[type=submit]")]);
  await page.waitForLoadState("load");
}

/** One customer's visit. alice first mistypes her password: the failed login page shows her username. */
async function browse(
  context: BrowserContext,
  recorder: Recorder,
  who: string,
  mistype: boolean,
): Promise<Shot[]> {
  const page = await context.newPage();
  const shots: Shot[] = [];
  await page.goto(`${recorder.url}/login`);
  if (mistype) {
    await login(page, who, "wrong-password");
    expect(await page.textContent("body")).toContain("Unknown username or wrong password");
    // The page shows the username the customer typed; pages keep identifiers as shown (they are hashed only
    // where the customer typed them, in the request), so this page replays pixel for pixel too.
    shots.push(await shot(page, "login-failed"));
  }
  await Promise.all([page.waitForURL("**/products/home-insurance"), login(page, who, `${who}-pass`)]);
  shots.push(await shot(page, "product"));
  await addToCart(page);
  shots.push(await shot(page, "product-after-cart"));
  await page.goto(`${recorder.url}/terms`);
  shots.push(await shot(page, "terms"));
  await page.close();
  return shots;
}

/** Which recorded page view each screenshot shows. */
const SHOWN_BY = {
  "login-failed": ["POST", "/login"],
  product: ["GET", "/products/home-insurance"],
  terms: ["GET", "/terms"],
} as const satisfies Record<string, readonly [string, string]>;

/** The customer's page views, found as the console finds them: through the read API. */
async function pageViews(recorder: Recorder, customer: string): Promise<Map<string, ExchangeView>> {
  const { sessions } = await api<{ sessions: { id: string }[] }>(recorder, `/sessions?customer=${customer}`);
  expect(sessions).toHaveLength(1);
  const { exchanges } = await api<{ exchanges: ExchangeView[] }>(
    recorder,
    `/sessions/${sessions[0]?.id ?? ""}/exchanges?limit=500`,
  );
  const views = new Map<string, ExchangeView>();
  for (const [name, [method, path]] of Object.entries(SHOWN_BY)) {
    const view = exchanges.find(
      (e) => e.pageView && e.request.method === method && new URL(e.request.url).pathname === path,
    );
    if (view) views.set(name, view);
  }
  return views;
}

describe("replay in a browser", () => {
  let shop: Shop;
  let recorder: Recorder;
  let browser: Browser;
  const recorded = new Map<string, Shot[]>();

  beforeAll(async () => {
    shop = await startShop(() => NOW);
    [recorder, browser] = await Promise.all([
      startRecorder(shop.url),
      chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS }),
    ]);
    for (const [who, mistype] of [
      ["alice", true],
      ["bob", false],
    ] as const) {
      const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
      recorded.set(who, await browse(context, recorder, who, mistype));
      await context.close();
    }
    // The recorder writes in the background (waitUntil): give the archive a moment to hold every exchange.
    await new Promise((resolve) => setTimeout(resolve, 500));
    shop.setVersion("v2");
  });

  afterAll(async () => {
    await browser?.close();
    await recorder?.close();
    await shop?.close();
  });

  it("the live site has moved on to v2", async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await page.goto(`${recorder.url}/terms`);
    expect(await page.textContent("h1")).toContain("version 8");
    await context.close();
  });

  for (const who of ["alice", "bob"]) {
    it(`replays ${who}'s page views pixel for pixel, from the archive only`, async () => {
      const shots = recorded.get(who) ?? [];
      const views = await pageViews(recorder, who);
      const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
      for (const original of shots) {
        if (original.name === "product-after-cart") continue;
        const view = views.get(original.name);
        if (!view) throw new Error(`no recorded page view for ${who}'s ${original.name}`);
        const url = replayUrl(
          { sessionId: view.sessionId, pageViewId: view.id },
          view.request.url,
          recorder.url,
          "replay.localhost",
        );
        const page = await context.newPage();
        const requests: string[] = [];
        page.on("request", (request) => requests.push(request.url()));
        const response = await page.goto(url);
        expect(response?.headers()["x-verbatim-exchange"]).toBe(view.id);
        const masked = original.masked.length > 0 ? ["input[name=username]"] : [];
        const pairs: Array<[Shot, Shot]> = [[original, await shot(page, original.name, masked)]];
        if (original.name === "product") {
          // The page's own button posts to /api/cart; the recorded answer fills the cart count.
          await addToCart(page);
          const after = shots.find((s) => s.name === "product-after-cart");
          if (!after) throw new Error("no screenshot after adding to the cart");
          pairs.push([after, await shot(page, after.name)]);
        }
        for (const [want, got] of pairs) await expectSamePixels(who, want, got);
        if (original.name === "terms") expect(await page.textContent("h1")).toContain("version 7");
        const origin = new URL(url).origin;
        expect(requests.length).toBeGreaterThan(1);
        expect(requests.filter((r) => new URL(r).origin !== origin)).toEqual([]);
        await page.close();
      }
      await context.close();
      const db = await recorder.mf.getD1Database("DB");
      // Nothing was blocked (no request tried to leave) and nothing was missing from the archive.
      const { results } = await db.prepare("SELECT kind, url FROM replay_events").all();
      expect(results).toEqual([]);
    });
  }

  it("blocks a request that would leave the replay origin, and lists it", async () => {
    const view = (await pageViews(recorder, "alice")).get("product");
    if (!view) throw new Error("no product page view for alice");
    const url = replayUrl(
      { sessionId: view.sessionId, pageViewId: view.id },
      view.request.url,
      recorder.url,
      "replay.localhost",
    );
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await page.goto(url);
    await settle(page);
    // A script that calls the live site directly: the CSP must stop it in the browser.
    const live = `${shop.url}/api/quote?product=home-insurance`;
    const outcome = await page.evaluate(
      `fetch(${JSON.stringify(live)}).then(() => "fetched", () => "blocked")`,
    );
    expect(outcome).toBe("blocked");
    const db = await recorder.mf.getD1Database("DB");
    let rows: { kind: string; url: string; page_view_id: string }[] = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      rows = (
        await db.prepare("SELECT kind, url, page_view_id FROM replay_events").all<(typeof rows)[number]>()
      ).results;
    }
    expect(rows).toEqual([{ kind: "blocked", url: live, page_view_id: view.id }]);
    await context.close();
  });
});

/**
 * Unmasked pages must be identical. Where masking changed the page (a customer identifier in a form field),
 * pixels may differ only inside that field's box, and must differ there (the replay shows the masked value).
 */
async function expectSamePixels(who: string, want: Shot, got: Shot): Promise<void> {
  const result = comparePngs(want.png, got.png, want.masked);
  if (result.outside > 0 || (want.masked.length === 0 && result.differing > 0)) {
    await mkdir(ARTIFACTS, { recursive: true });
    const base = join(ARTIFACTS, `${who}-${want.name}`);
    await Promise.all([
      writeFile(`${base}-recorded.png`, want.png),
      writeFile(`${base}-replayed.png`, got.png),
      writeFile(`${base}-diff.png`, result.diff),
    ]);
  }
  expect(
    result.outside,
    `${who} ${want.name}: differing pixels outside masked fields (see ${ARTIFACTS})`,
  ).toBe(0);
  if (want.masked.length === 0) expect(result.differing, `${who} ${want.name}`).toBe(0);
  else
    expect(result.differing, `${who} ${want.name}: the masked field should look masked`).toBeGreaterThan(0);
}
