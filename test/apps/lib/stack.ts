import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { launchChromium, startRecorder, type Recorder } from "../../browser/harness.ts";
import { startCountingProxy, type CountingProxy } from "./counting-proxy.ts";
import { freePort } from "./processes.ts";
import type { Shot } from "./screens.ts";

/**
 * One application behind the recorder, as the suite runs it:
 *   Chromium → recorder (Miniflare, ORIGIN = proxy) → counting proxy → application
 * The application's port is chosen first and the proxy listens in front of it, so the recorder can be
 * started with its ORIGIN before the application learns the recorder's public URL (Verdaccio needs it).
 */
export const VIEWPORT = { width: 1280, height: 900 };

export type Stack = {
  work: string;
  /** Everything the recorder keeps on disk: bundle, Miniflare persist root, Miniflare's temporary files. */
  stateDir: string;
  recorder: Recorder;
  /** The origin the recorder forwards to; the URL an escaped request goes to. */
  origin: CountingProxy;
  browser: Browser;
  harPath: string;
  close: () => Promise<void>;
};

export async function startStack(
  name: string,
  startApp: (dir: string, port: number, publicUrl: string) => Promise<{ stop: () => Promise<void> }>,
): Promise<Stack> {
  const work = await mkdtemp(join(tmpdir(), `verbatim-apps-${name}-`));
  const stateDir = join(work, "recorder");
  await mkdir(stateDir);
  const appPort = await freePort();
  const origin = await startCountingProxy({ host: "127.0.0.1", port: appPort });
  const recorder = await startRecorder(origin.url, { stateDir });
  const stops: Array<() => Promise<void>> = [recorder.close, origin.close];
  try {
    const app = await startApp(join(work, "app"), appPort, recorder.url);
    stops.unshift(app.stop);
    const browser = await launchChromium();
    stops.unshift(() => browser.close());
    origin.reset();
    return {
      work,
      stateDir,
      recorder,
      origin,
      browser,
      harPath: join(work, "live.har"),
      close: async () => {
        for (const stop of stops) await stop();
        // VERBATIM_APPS_KEEP=1 keeps the recorder's state, the application's data and the HAR to look at.
        if (process.env["VERBATIM_APPS_KEEP"] === "1") console.log(`kept ${work}`);
        else await rm(work, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const stop of stops) await stop();
    throw error;
  }
}

/** A top-level document the live browser received (redirects included), with the screenshots taken of it. */
export type LiveView = { method: string; url: string; status: number; shots: Shot[] };

export type LiveBrowsing = { context: BrowserContext; page: Page; views: LiveView[] };

/** The customer's browser: a fresh context recording a HAR, following every main-frame document. */
export async function browseLive(stack: Stack): Promise<LiveBrowsing> {
  const context = await stack.browser.newContext({
    viewport: VIEWPORT,
    deviceScaleFactor: 1,
    recordHar: { path: stack.harPath, content: "omit" },
  });
  const page = await context.newPage();
  const views: LiveView[] = [];
  page.on("response", (response) => {
    const request = response.request();
    if (request.isNavigationRequest() && response.frame() === page.mainFrame())
      views.push({ method: request.method(), url: response.url(), status: response.status(), shots: [] });
  });
  return { context, page, views };
}

/** Attaches a screenshot to the document the page shows now. */
export function attach(live: LiveBrowsing, shot: Shot): void {
  const view = live.views.at(-1);
  if (!view) throw new Error(`screenshot ${shot.label} before any document`);
  view.shots.push(shot);
}
