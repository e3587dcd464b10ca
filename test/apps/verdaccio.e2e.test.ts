import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settledExchanges, type ArchivedExchange } from "./lib/archive.ts";
import {
  checkCapture,
  checkInAppReplay,
  checkPageViewReplays,
  checkSecrets,
  type AppRun,
} from "./lib/checks.ts";
import { checkExport } from "./lib/export-check.ts";
import { writeAppFigures } from "./lib/results.ts";
import { shoot, topLevel, type Screen } from "./lib/screens.ts";
import { cardSecrets, newCardNumber, newPassword, type Secret } from "./lib/secrets.ts";
import { attach, browseLive, startStack, type LiveBrowsing, type Stack } from "./lib/stack.ts";
import { startVerdaccio } from "./verdaccio.ts";

/**
 * Verdaccio's web UI (a React single-page app, production bundles) through the recorder: it logs in with a
 * JSON API (`POST /-/verdaccio/sec/login`, the password in a JSON body; a signed token comes back and is
 * sent as a bearer token from then on), lists packages, searches (`GET /-/verdaccio/data/search/<text>`:
 * the card number ends up in a URL path) and opens a package (sidebar and readme JSON) by client-side
 * routing. Two full page loads are page views: the home page, and a package page loaded by URL.
 */
const APP = "verdaccio";
const USER = { login: "alice", password: newPassword("Npm") };
const CARD = newCardNumber();
const PACKAGE = "@team/greeter";

const SHOWN_MASKED = [USER.password, CARD, USER.login];

async function idle({ frame }: Screen): Promise<void> {
  await frame.waitForLoadState("networkidle");
}

/**
 * Types into the search box; the app asks the search API as you type and lists what it finds. The answer is
 * awaited on the tab: its responses include those of the replay frame.
 */
async function search(screen: Screen, text: string): Promise<void> {
  const answer = screen.page.waitForResponse((r) => r.url().includes("/-/verdaccio/data/search/"), {
    timeout: 15_000,
  });
  await screen.frame.fill("[data-testid=search-container] input", text);
  expect((await answer).status()).toBe(200);
  await idle(screen);
}

/**
 * The in-app steps replayed later inside the home page's replay: a search, then the package opened. Escape
 * goes to the focused element (the search box), in whichever frame it is.
 */
async function searchAndOpen(screen: Screen): Promise<void> {
  await search(screen, CARD);
  await screen.page.keyboard.press("Escape");
  await screen.frame.click(`[data-testid=package-item-list] a[href$="${PACKAGE}"]`);
  await screen.frame.waitForSelector("[data-testid=readme]");
  await idle(screen);
}

async function browse(stack: Stack, live: LiveBrowsing): Promise<void> {
  const { page } = live;
  const screen = topLevel(page);
  const shot = async (label: string) => attach(live, await shoot(screen, label, SHOWN_MASKED));
  const base = stack.recorder.url;
  await page.goto(`${base}/`);
  await page.waitForSelector("[data-testid=package-item-list]");
  await shot("home");
  await searchAndOpen(screen);
  await shot("home, searched and opened the package");

  await page.click("[data-testid=header--button-login]");
  await page.fill("#login--dialog-username", USER.login);
  await page.fill("#login--dialog-password", USER.password);
  const login = page.waitForResponse((r) => r.url().endsWith("/-/verdaccio/sec/login"));
  await page.click("#login--dialog-button-submit");
  expect((await login).status()).toBe(200);
  await page.waitForSelector("#header--button-account");
  await idle(screen);
  await shot("home, logged in");
  await search(screen, PACKAGE);
  await shot("home, logged in, searched");
  await page.click("#header--button-account");
  await page.click("[data-testid=logOutDialogIcon]");
  await page.waitForSelector("[data-testid=header--button-login]");

  await page.goto(`${base}/-/web/detail/${PACKAGE}`);
  await page.waitForSelector("[data-testid=readme]");
  await shot("package page");
}

describe("Verdaccio (npm) through the recorder", () => {
  let stack: Stack;
  let live: LiveBrowsing;
  let archive: ArchivedExchange[] = [];
  const secrets: Secret[] = [
    { label: "password", value: USER.password },
    ...cardSecrets("card number", CARD),
  ];
  const run: AppRun = { app: APP, secrets, figures: {} };

  beforeAll(async () => {
    stack = await startStack(APP, (dir, port, publicUrl) => startVerdaccio(dir, port, USER, publicUrl));
    live = await browseLive(stack);
    // The login token the app issued (kept in localStorage, sent as a bearer token): never to be stored.
    live.page.on("response", async (response) => {
      if (!response.url().endsWith("/-/verdaccio/sec/login")) return;
      const body = (await response.json().catch(() => ({}))) as { token?: unknown };
      if (typeof body.token === "string") secrets.push({ label: "login token", value: body.token });
    });
    await browse(stack, live);
    await live.context.close();
    archive = await settledExchanges(stack.recorder, 1);
  }, 240_000);

  afterAll(async () => {
    await writeAppFigures(APP, run.figures);
    await stack?.close();
  });

  it("keeps no secret in R2, D1 or any other local state, in any encoding", async () => {
    expect(secrets.map((s) => s.label)).toContain("login token");
    await checkSecrets(stack, run);
  });

  it("records every request the browser made (HAR vs archive)", async () => {
    await checkCapture(stack, run, archive);
  });

  it("replays every page view pixel for pixel, masked spans aside", async () => {
    await checkPageViewReplays(stack, run, archive, live.views, SHOWN_MASKED, 2);
  });

  it("answers the search and the package's JSON calls inside the replay from the archive", async () => {
    await checkInAppReplay(stack, run, archive, live.views, {
      label: "home, searched and opened the package",
      maskedValues: SHOWN_MASKED,
      isCall: (url) => url.pathname.startsWith("/-/verdaccio/data/"),
      interact: searchAndOpen,
    });
  });

  it("exports the day as a WACZ that the verify CLI, warcio and har-validator accept, with no secret in it", async () => {
    await checkExport(stack, run, archive);
  });
});
