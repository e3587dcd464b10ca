import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Browser,
  type BrowserContext,
  type Frame,
  type Page,
  type Request,
  type Response,
} from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PNG } from "pngjs";
import {
  api,
  consoleLogin,
  DEMO_TOKENS,
  startRecorder,
  startShop,
  type Recorder,
  type Shop,
  launchChromium,
} from "./harness.ts";
import { comparePngs, type Box } from "./pixels.ts";

/**
 * Two customers browse the demo shop through the recorder in Chromium; the site then changes (v2); each of
 * their page views is replayed as support opens it (the console's full-window replay page, whose frame
 * enters the page view's replay origin with a grant) and must paint the same pixels as the customer saw,
 * with every request of the replayed page staying on the replay origin.
 */
const VIEWPORT = { width: 1280, height: 900 };
/** One clock for recording and for the live site afterwards: 09:00 UTC on a Friday (morning offer). */
const NOW = new Date("2026-03-06T09:00:00Z");
const ARTIFACTS = join(tmpdir(), "verbatim-replay-e2e");

/** A screenshot, and the height of the document it shows (the full page, as the customer could scroll it). */
type Shot = { name: string; png: Buffer; masked: Box[]; documentHeight: number };
type ExchangeView = {
  id: string;
  sessionId: string;
  pageView: boolean;
  request: { method: string; url: string };
};

/**
 * The shop's document, wherever it is shown: the customer's tab (its main frame) or the console's replay
 * frame. The quote widget is filled by the page's script from two JSON calls; fonts block text until loaded.
 */
async function settle(page: Frame): Promise<void> {
  await page.waitForLoadState("load");
  if ((await page.locator("#quote-widget").count()) > 0)
    await page.waitForSelector("#quote-widget .quote-price");
  // Browser-side code is passed as strings: this file is type-checked without the DOM library.
  await page.evaluate("document.fonts.ready.then(() => undefined)");
}

/** What Playwright's full-page screenshot measures: the document's scroll height. */
function documentHeight(page: Frame): Promise<number> {
  return page.evaluate(
    "Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)",
  ) as Promise<number>;
}

async function maskedBoxes(page: Frame, selectors: readonly string[]): Promise<Box[]> {
  const masked: Box[] = [];
  for (const selector of selectors) {
    const box = await page.locator(selector).boundingBox();
    if (box) masked.push(box);
  }
  return masked;
}

/** What the customer saw: the whole page, as a full-page screenshot of their tab. */
async function shot(page: Page, name: string, maskedSelectors: readonly string[] = []): Promise<Shot> {
  const frame = page.mainFrame();
  await settle(frame);
  return {
    name,
    png: await page.screenshot({ fullPage: true }),
    masked: await maskedBoxes(frame, maskedSelectors),
    documentHeight: await documentHeight(frame),
  };
}

/**
 * What support sees of the same page view: the replay frame's content. The full-window frame fills the
 * console tab, so the tab is sized to the customer's full-page screenshot (a full-page capture lays the page
 * out at the document's height, as this does); the frame's document must be exactly as tall as the
 * customer's, so nothing below the frame's edge escapes the comparison.
 */
async function replayShot(
  replay: Replay,
  want: Shot,
  maskedSelectors: readonly string[] = [],
): Promise<Shot> {
  const { width, height } = PNG.sync.read(want.png);
  await replay.page.setViewportSize({ width, height });
  await settle(replay.frame);
  const shown = await documentHeight(replay.frame);
  expect(shown, `${want.name}: the replayed document's height`).toBe(want.documentHeight);
  return {
    name: want.name,
    png: await replay.page.locator("iframe.replay").screenshot(),
    masked: await maskedBoxes(replay.frame, maskedSelectors),
    documentHeight: shown,
  };
}

async function addToCart(page: Page | Frame): Promise<void> {
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

/** A page view opened in the console, and every request its tab made. */
type Replay = {
  page: Page;
  frame: Frame;
  /** The replay origin's answer to the page view's own navigation (after the grant's redirect). */
  pageView: Response;
  requests: Request[];
};

/**
 * Opens a page view as support does ("Open replay in its own tab"): the console page holding only the
 * sandboxed replay frame, full-window. The frame's URL is the console's grant entry URL; the replay origin
 * trades it for a grant cookie and redirects to the page view's path.
 */
async function openReplay(context: BrowserContext, recorder: Recorder, view: ExchangeView): Promise<Replay> {
  const page = await context.newPage();
  const requests: Request[] = [];
  page.on("request", (request) => requests.push(request));
  const entered = page.waitForResponse(
    (response) =>
      response.request().isNavigationRequest() &&
      response.frame().parentFrame() === page.mainFrame() &&
      new URL(response.url()).pathname !== GRANT_PATH,
    { timeout: 30_000 },
  );
  // Awaited below; if the console page fails first, its rejection is not left unhandled.
  entered.catch(() => undefined);
  const consolePage = await page.goto(`${recorder.consoleUrl}/__verbatim/replay/${view.id}?full=1`);
  expect(consolePage?.status()).toBe(200);
  const pageView = await entered;
  return { page, frame: pageView.frame(), pageView, requests };
}

/** The console frames the replay origin's grant endpoint (worker/src/replay/replay-access.ts). */
const GRANT_PATH = "/__verbatim-replay/grant";

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
    [recorder, browser] = await Promise.all([startRecorder(shop.url), launchChromium()]);
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
      await consoleLogin(context, recorder, DEMO_TOKENS.support);
      for (const original of shots) {
        if (original.name === "product-after-cart") continue;
        const view = views.get(original.name);
        if (!view) throw new Error(`no recorded page view for ${who}'s ${original.name}`);
        const replay = await openReplay(context, recorder, view);
        expect(replay.pageView.headers()["x-verbatim-exchange"]).toBe(view.id);
        const masked = original.masked.length > 0 ? ["input[name=username]"] : [];
        const pairs: Array<[Shot, Shot]> = [[original, await replayShot(replay, original, masked)]];
        if (original.name === "product") {
          // The page's own button posts to /api/cart; the recorded answer fills the cart count.
          await addToCart(replay.frame);
          const after = shots.find((s) => s.name === "product-after-cart");
          if (!after) throw new Error("no screenshot after adding to the cart");
          pairs.push([after, await replayShot(replay, after)]);
        }
        for (const [want, got] of pairs) await expectSamePixels(who, want, got);
        if (original.name === "terms") expect(await replay.frame.textContent("h1")).toContain("version 7");
        // Every request of the replayed page (the frame) stayed on its replay origin; the console's tab asked
        // only the console.
        const origin = new URL(replay.pageView.url()).origin;
        const inFrame = (r: Request) => r.frame() !== replay.page.mainFrame();
        const framed = replay.requests.filter(inFrame).map((r) => r.url());
        const consoleTab = replay.requests.filter((r) => !inFrame(r)).map((r) => r.url());
        // The frame entered through the console's grant URL, then asked for the page view and at least one
        // of its subresources.
        expect(new URL(framed[0] ?? "http://none.invalid/").pathname).toBe(GRANT_PATH);
        expect(framed.filter((r) => new URL(r).pathname !== GRANT_PATH).length).toBeGreaterThan(1);
        expect(framed.filter((r) => new URL(r).origin !== origin)).toEqual([]);
        expect(consoleTab.filter((r) => new URL(r).origin !== recorder.consoleUrl)).toEqual([]);
        await replay.page.close();
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
    const context = await browser.newContext({ viewport: VIEWPORT });
    await consoleLogin(context, recorder, DEMO_TOKENS.support);
    const { frame } = await openReplay(context, recorder, view);
    await settle(frame);
    // A script that calls the live site directly: the CSP must stop it in the browser.
    const live = `${shop.url}/api/quote?product=home-insurance`;
    const outcome = await frame.evaluate(
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
