import { join } from "node:path";
import { expect } from "vitest";
import { unstable_readConfig } from "wrangler";
import { readBack, type ArchivedExchange } from "./archive.ts";
import { openReplay, signedInContext } from "./console-replay.ts";
import { compareWithArchive, readHar, type Capture } from "./har.ts";
import {
  compareShots,
  noiseFigures,
  pairViews,
  replayEvents,
  replayEveryPageView,
  replayFailures,
  STAND_IN,
} from "./replay-check.ts";
import type { AppFigures } from "./results.ts";
import { setClockTo, settle, shoot, type Screen } from "./screens.ts";
import { needles, type Secret } from "./secrets.ts";
import { describeHits, scanBytes, scanDirectories, type Hit } from "./scan.ts";
import type { LiveView, Stack } from "./stack.ts";

/** The checks every application gets; each fills in its figures before it asserts. */
export type AppRun = { app: string; secrets: Secret[]; figures: Partial<AppFigures> };

const root = new URL("../../../", import.meta.url).pathname;

/** Nothing typed as a secret (nor a cookie the app issued) in the recorder's files or its read API. */
export async function checkSecrets(stack: Stack, run: AppRun): Promise<void> {
  const wanted = needles(run.secrets);
  const disk = await scanDirectories([stack.stateDir], wanted);
  const hits: Hit[] = [...disk.hits];
  for (const dump of await readBack(stack.recorder))
    hits.push(...scanBytes(`API ${dump.what}`, dump.bytes, wanted));
  run.figures.secret_hits = hits.length;
  run.figures.files_scanned = disk.files;
  run.figures.bytes_scanned = disk.bytes;
  expect(disk.files, "the recorder wrote files to scan").toBeGreaterThan(0);
  expect(describeHits(hits), `${hits.length} secrets stored`).toBe("");
}

function excludePaths(): string[] {
  const config = unstable_readConfig({ config: join(root, "wrangler.toml") });
  return String(config.vars["EXCLUDE_PATHS"] ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

const list = (requests: Capture["missing"]) =>
  requests.map((r) => `${r.method} ${r.url} → ${r.status}`).join("\n");

/**
 * Every archived page view replayed in a browser and compared with what the customer saw, pixel for pixel
 * outside the masked spans; nothing may reach the live application meanwhile. Figures go into `run`.
 */
export async function checkPageViewReplays(
  stack: Stack,
  run: AppRun,
  archive: readonly ArchivedExchange[],
  views: readonly LiveView[],
  maskedValues: readonly string[],
  minimumPageViews: number,
): Promise<void> {
  const pageViews = archive.filter((e) => e.pageView);
  stack.origin.reset();
  const replays = await replayEveryPageView(run.app, stack, pageViews, views, maskedValues);
  run.figures.page_views = pageViews.length;
  run.figures.page_views_replayed_exact = replays.filter((r) => replayFailures([r]).length === 0).length;
  Object.assign(run.figures, noiseFigures(replays));
  expect(pageViews.length).toBeGreaterThanOrEqual(minimumPageViews);
  expect(replayFailures(replays)).toEqual([]);
  expect(stack.origin.requests(), "requests that reached the live application").toEqual([]);
}

/** Every request in the live browser's HAR is one archived exchange; none went around the recorder. */
export async function checkCapture(
  stack: Stack,
  run: AppRun,
  archive: readonly ArchivedExchange[],
): Promise<void> {
  const capture = compareWithArchive(
    await readHar(stack.harPath),
    archive,
    { recorder: stack.recorder.url, app: [stack.origin.url] },
    excludePaths(),
  );
  Object.assign(run.figures, {
    browser_requests: capture.browserRequests,
    recorded: capture.recorded,
    escaped: capture.escaped.length,
    missing: capture.missing.length,
    excluded: capture.excluded.length,
    from_cache: capture.fromCache,
  });
  expect(list(capture.escaped), "requests that left the recorder for the application's origin").toBe("");
  expect(list(capture.missing), "requests to the recorder missing from the archive").toBe("");
  expect(capture.recorded).toBe(capture.browserRequests);
}

export type Interaction = {
  /** The live screenshot taken after the interaction; its page view is the one replayed. */
  label: string;
  maskedValues: readonly string[];
  /** Which requests are the interaction's calls (JSON or HTML fragments fetched by the page's script). */
  isCall: (url: URL) => boolean;
  /** Done live on the tab's page, in the replay inside the console's replay frame. */
  interact: (screen: Screen) => Promise<void>;
};

/**
 * Replays the page view on which the live interaction happened (in the console's full-window replay page, as
 * support opens it), does the same in the replay frame, and checks that the page's own calls were answered
 * from the archive (`x-verbatim-exchange`), that nothing reached the live application, and that the result
 * looks as it did live.
 */
export async function checkInAppReplay(
  stack: Stack,
  run: AppRun,
  archive: readonly ArchivedExchange[],
  views: readonly LiveView[],
  interaction: Interaction,
): Promise<void> {
  const pair = pairViews(
    archive.filter((e) => e.pageView),
    views,
  ).find(([, view]) => view?.shots.some((s) => s.label === interaction.label));
  const want = pair?.[1]?.shots.find((s) => s.label === interaction.label);
  if (!pair || !want) throw new Error(`no archived page view shows "${interaction.label}"`);
  const pageViewId = pair[0].id;
  const context = await signedInContext(stack.browser, stack.recorder);
  const page = await context.newPage();
  const calls: Array<{ url: string; status: number; exchange: string | null }> = [];
  page.on("response", (response) => {
    if (interaction.isCall(new URL(response.url())))
      calls.push({
        url: response.url(),
        status: response.status(),
        exchange: response.headers()["x-verbatim-exchange"] ?? null,
      });
  });
  const failed: string[] = [];
  page.on("requestfailed", (request) =>
    failed.push(`${request.url()}: ${request.failure()?.errorText ?? "failed"}`),
  );
  try {
    await setClockTo(page, want);
    const { screen } = await openReplay(page, stack.recorder, pageViewId);
    await settle(screen);
    stack.origin.reset();
    calls.length = 0;
    try {
      await interaction.interact(screen);
    } catch (error) {
      const events = await replayEvents(stack, pageViewId);
      throw new Error(
        `"${interaction.label}" could not be repeated in the replay: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}; failed requests: ${failed.join(", ") || "none"}; replay events: ${events.join(", ") || "none"}`,
      );
    }
    // The same noise rule as for page views: if pixels are left outside the masked spans, the interaction is
    // replayed once more in a fresh context and the change between the two replays is the renderer's floor.
    const again = async () => {
      const second = await signedInContext(stack.browser, stack.recorder);
      try {
        const tab = await second.newPage();
        await setClockTo(tab, want);
        const replay = (await openReplay(tab, stack.recorder, pageViewId)).screen;
        await settle(replay);
        await interaction.interact(replay);
        return await shoot(replay, want.label, interaction.maskedValues, STAND_IN);
      } finally {
        await second.close();
      }
    };
    const comparison = await compareShots(
      run.app,
      want,
      await shoot(screen, want.label, interaction.maskedValues, STAND_IN),
      again,
    );
    run.figures.replay_origin_requests = stack.origin.requests().length;
    expect(calls.length, "the interaction made calls in the replay").toBeGreaterThan(0);
    expect(
      calls.filter((c) => c.exchange === null).map((c) => `${c.url} → ${c.status}`),
      "calls not answered from the archive",
    ).toEqual([]);
    expect(stack.origin.requests(), "requests that reached the live application").toEqual([]);
    expect(comparison.problem, `after "${interaction.label}" in the replay`).toBeNull();
  } finally {
    await context.close();
  }
}
