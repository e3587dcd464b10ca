import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDokuWiki } from "./dokuwiki.ts";
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

/**
 * DokuWiki (Debian's package, PHP) through the recorder: server-side PHP sessions, HTML forms (login with
 * fields `u`/`p`, a failed login, the editor with preview and save, the profile form that asks for the
 * current password as `oldpass`), and its JavaScript calling ajax.php (the editor's draft autosave answers
 * JSON; the quick search answers HTML). A card number is typed into the page text and the search box.
 */
const APP = "dokuwiki";
const USER = {
  login: "alice",
  name: "Alice Example",
  email: "alice@example.org",
  password: newPassword("Wiki"),
};
const WRONG_PASSWORD = newPassword("Typo");
const CARD = newCardNumber();
const PAGE_ID = "team:payments";

/** What the masker must replace wherever it is shown: secrets, and the login (a customer identifier). */
const SHOWN_MASKED = [USER.password, WRONG_PASSWORD, CARD, USER.login];

async function submit(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(selector)]);
}

async function logIn(page: Page, password: string): Promise<void> {
  await page.fill("#dw__login input[name=u]", USER.login);
  await page.fill("#dw__login input[name=p]", password);
  await submit(page, "#dw__login button[type=submit]");
}

/** The customer's visit. Every navigation starts from the recorder's URL, as a visitor's bookmark would. */
async function browse(stack: Stack, live: LiveBrowsing): Promise<void> {
  const { page } = live;
  const shot = async (label: string) => attach(live, await shoot(topLevel(page), label, SHOWN_MASKED));
  const base = stack.recorder.url;
  await page.goto(`${base}/doku.php?id=start`);
  await shot("start");
  await submit(page, "li.action.login a");
  await shot("login form");
  await logIn(page, WRONG_PASSWORD);
  await shot("login failed");
  await logIn(page, USER.password);
  await shot("after login");

  await page.goto(`${base}/doku.php?id=${PAGE_ID}&do=edit`);
  await shot("editor");
  await page.fill("#wiki__text", `====== Payments ======\n\nTest card for the sandbox: ${CARD}\n`);
  // The draft autosave posts the text to ajax.php (JSON answer) at most every 30 s: start the clock earlier.
  await page.evaluate("dw_locktimer.lasttime = new Date(0)");
  const draft = page.waitForResponse(
    (r) => r.url().includes("/lib/exe/ajax.php") && r.request().method() === "POST",
  );
  // locktimer listens for keypress, which only printable keys and Enter fire.
  await page.press("#wiki__text", "Enter");
  expect((await draft).status()).toBe(200);
  await page.fill("#edit__summary", "sandbox card");
  await submit(page, "#edbtn__preview");
  await shot("preview");
  await submit(page, "#edbtn__save");
  await page.goto(`${base}/doku.php?id=${PAGE_ID}`);
  await shot("saved page");
  await quickSearches(topLevel(page));
  await shot("saved page, quick search");
  await page.fill("#qsearch__in", CARD);
  await submit(page, "#dw__search button[type=submit]");
  await shot("search results");

  await page.goto(`${base}/doku.php?id=${PAGE_ID}&do=profile`);
  await shot("profile");
  await page.fill("#dw__register input[name=fullname]", "Alice B. Example");
  await page.fill("#dw__register input[name=oldpass]", USER.password);
  await submit(page, "#dw__register button[type=submit]");
  await shot("profile saved");
  await submit(page, "li.action.logout a");
  await shot("after logout");
}

/**
 * Types into the search box; on keyup the page's script asks ajax.php for matching page names. The answer is
 * awaited on the tab: its responses include those of the replay frame.
 */
async function quickSearch({ page, frame }: Screen, term: string): Promise<void> {
  await frame.fill("#qsearch__in", term);
  const answer = page.waitForResponse((r) => r.url().includes("/lib/exe/ajax.php"));
  await frame.press("#qsearch__in", "End");
  expect((await answer).status()).toBe(200);
  await frame.waitForSelector("#dw__search:not(.searching)");
}

/** The card number (no page is named like it), then a word that finds the new page: its popup shows. */
async function quickSearches(screen: Screen): Promise<void> {
  await quickSearch(screen, CARD);
  await quickSearch(screen, "payments");
  await screen.frame.waitForSelector("#qsearch__out", { state: "visible" });
}

describe("DokuWiki (Debian) through the recorder", () => {
  let stack: Stack;
  let live: LiveBrowsing;
  let archive: ArchivedExchange[] = [];
  const secrets: Secret[] = [
    { label: "password", value: USER.password },
    { label: "mistyped password", value: WRONG_PASSWORD },
    ...cardSecrets("card number", CARD),
  ];
  const run: AppRun = { app: APP, secrets, figures: {} };

  beforeAll(async () => {
    stack = await startStack(APP, (dir, port) => startDokuWiki(dir, port, USER));
    live = await browseLive(stack);
    await browse(stack, live);
    // Session cookies the wiki issued (PHP session id, DokuWiki's auth cookie): never to be stored either.
    for (const cookie of await live.context.cookies())
      if (cookie.value.length >= 16) secrets.push({ label: `cookie ${cookie.name}`, value: cookie.value });
    await live.context.close();
    archive = await settledExchanges(stack.recorder, 1);
  }, 240_000);

  afterAll(async () => {
    await writeAppFigures(APP, run.figures);
    await stack?.close();
  });

  it("keeps no secret in R2, D1 or any other local state, in any encoding", async () => {
    await checkSecrets(stack, run);
  });

  it("records every request the browser made (HAR vs archive)", async () => {
    await checkCapture(stack, run, archive);
  });

  it("replays every page view pixel for pixel, masked spans aside", async () => {
    await checkPageViewReplays(stack, run, archive, live.views, SHOWN_MASKED, 1);
  });

  it("answers the quick search inside the replay from the archive", async () => {
    await checkInAppReplay(stack, run, archive, live.views, {
      label: "saved page, quick search",
      maskedValues: SHOWN_MASKED,
      isCall: (url) => url.pathname === "/lib/exe/ajax.php",
      interact: quickSearches,
    });
  });

  it("exports the day as a WACZ that the verify CLI, warcio and har-validator accept, with no secret in it", async () => {
    await checkExport(stack, run, archive);
  });
});
