import type { Browser, BrowserContext, Page, Response } from "playwright-core";
import { consoleLogin, DEMO_TOKENS, type Recorder } from "../../browser/harness.ts";
import type { Screen } from "./screens.ts";
import { VIEWPORT } from "./stack.ts";

/**
 * A page view replayed as a support person opens it. A replay origin serves only a browser holding a grant,
 * and only inside a frame (worker/src/replay/replay-access.ts): the browser signs in to the console, opens
 * "Open replay in its own tab" (the console page `/__verbatim/replay/<id>?full=1`, holding nothing but the
 * replay frame, full-window), and the frame enters the replay origin through its grant URL.
 */
const GRANT_PATH = "/__verbatim-replay/grant";

/** A fresh browser context (a paint history of its own) signed in to the console as compliance. */
export async function signedInContext(browser: Browser, recorder: Recorder): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  await consoleLogin(context, recorder, DEMO_TOKENS.compliance);
  return context;
}

export type OpenedReplay = {
  /** The console's tab and the replay frame in it. */
  screen: Screen;
  /**
   * The replay origin's answer to the page view's own navigation: the first document the frame received
   * after the grant's redirect, not where it led (a recorded redirect leads to the next page view).
   */
  pageView: Response;
};

/** Whether `response` is a navigation of a frame the console page holds (the replay frame). */
function replayNavigation(page: Page, response: Response): boolean {
  return response.request().isNavigationRequest() && response.frame().parentFrame() === page.mainFrame();
}

/**
 * Opens page view `pageViewId` in the console's full-window replay page in `page` (of a signed-in context),
 * and waits until the replay frame has loaded the page view's document.
 */
export async function openReplay(page: Page, recorder: Recorder, pageViewId: string): Promise<OpenedReplay> {
  const entered = page.waitForResponse(
    (response) => replayNavigation(page, response) && new URL(response.url()).pathname !== GRANT_PATH,
    { timeout: 30_000 },
  );
  // Awaited below; if the console page fails first, its rejection is not left unhandled.
  entered.catch(() => undefined);
  const consolePage = await page.goto(`${recorder.consoleUrl}/__verbatim/replay/${pageViewId}?full=1`);
  if (consolePage?.status() !== 200)
    throw new Error(`the console's replay page for ${pageViewId} answered ${String(consolePage?.status())}`);
  const pageView = await entered;
  const frame = pageView.frame();
  await frame.waitForLoadState("load");
  return { screen: { page, frame }, pageView };
}
