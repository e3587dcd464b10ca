import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { PNG } from "pngjs";
import pixelmatch from "pixelmatch";
import type { Box } from "../../browser/pixels.ts";
import type { ArchivedExchange } from "./archive.ts";
import { openReplay, signedInContext } from "./console-replay.ts";
import { MASK_TOKEN, sameAfterMasking } from "./har.ts";
import { setClockTo, shoot, type Shot } from "./screens.ts";
import type { LiveView, Stack } from "./stack.ts";
import { launchChromium } from "../../browser/harness.ts";

/** A masker's stand-in shown on a replayed page (one at a time: no global flag, so `test` keeps no state). */
export const STAND_IN = new RegExp(MASK_TOKEN.source);

/** Where differing screenshots are written (recorded, replayed, diff), to look at after a failure. */
export const ARTIFACTS = join(tmpdir(), "verbatim-apps-e2e");

export type Comparison = {
  label: string;
  differing: number;
  /** Pixels changed by at most FAINT_LEVELS colour levels (raster noise), not counted in `differing`. */
  faint: number;
  /**
   * The renderer's own noise floor on this page, when it was needed (differences were left outside the
   * masked boxes): the largest colour change between two loads of the same archived page, or null.
   */
  noiseFloor: number | null;
  /** Differing pixels excused as raster noise: within `noiseFloor` and on an antialiased edge. */
  noise: number;
  outside: number;
  problem: string | null;
};

export type ReplayResult = {
  pageViewId: string;
  method: string;
  url: string;
  recordedStatus: number;
  replayStatus: number | null;
  /** `x-verbatim-exchange` of the replay's answer to the navigation: the archived exchange it served. */
  servedBy: string | null;
  comparisons: Comparison[];
  /** Subresource requests of the replay that failed or were answered 4xx/5xx (not from the archive). */
  unanswered: string[];
  problem: string | null;
};

/**
 * The largest change of a colour channel that is not counted as a difference: Chromium's raster draws
 * antialiased edges up to 4 levels apart between loads, depending on paint and decode history. Measured
 * here: DokuWiki's rounded message-box corners (2 levels) and one edge pixel of its search icon (3 levels)
 * between loads of identical bytes; Verdaccio's search box, the two symmetric corner pixels of one row
 * (x 44 and 83, y 24), 4 levels between the live page and its replay in some runs only. Such pixels are
 * counted apart (`faint`) and reported; any larger change counts, anti-aliased or not.
 */
const FAINT_LEVELS = 4;

/** Largest colour change of one channel between two pixels at byte offset `i`. */
function delta(one: Buffer, two: Buffer, i: number): number {
  let d = 0;
  for (let c = 0; c < 4; c++) d = Math.max(d, Math.abs((one[i + c] ?? 0) - (two[i + c] ?? 0)));
  return d;
}

/** Largest colour change between two screenshots of the same size (the noise floor of two loads). */
function maxLevel(a: Buffer, b: Buffer): number {
  const one = PNG.sync.read(a);
  const two = PNG.sync.read(b);
  if (one.width !== two.width || one.height !== two.height) return 0;
  let max = 0;
  for (let i = 0; i < one.data.length; i += 4) max = Math.max(max, delta(one.data, two.data, i));
  return max;
}

/** pixelmatch's colours in its diff mask: an antialiased pixel (not counted with includeAA false), a change. */
const AA_GREEN = [0, 255, 0] as const;
const CHANGE_RED = [255, 0, 0] as const;

/**
 * The renderer's noise, bounded: a floor above this many levels, or more than this many excused pixels on
 * a page, is not noise but a difference, and everything counts.
 */
const MAX_NOISE_LEVELS = 4;
const MAX_NOISE_PIXELS = 64;

/**
 * Changed pixels, and those outside every allowed box with their bounding box. With a noise floor (the
 * largest change between two loads of the very same archived bytes), a changed pixel outside the boxes is
 * excused (`noise`) when its change is within that floor: Chromium itself drew that page that differently
 * from identical input. Antialiased edges are the usual place (pixelmatch's `includeAA: false` detection
 * finds most), but a one-pixel icon edge it does not classify differs the same way, so the rule is the floor
 * itself, bounded by MAX_NOISE_LEVELS and MAX_NOISE_PIXELS so that a real difference cannot hide in it.
 */
function differences(a: Buffer, b: Buffer, allowed: readonly Box[], noiseFloor: number | null) {
  const one = PNG.sync.read(a);
  const two = PNG.sync.read(b);
  if (one.width !== two.width || one.height !== two.height)
    throw new Error(`screenshots differ in size: ${one.width}x${one.height} vs ${two.width}x${two.height}`);
  const { width, height } = one;
  const diff = new PNG({ width, height });
  pixelmatch(one.data, two.data, diff.data, width, height, {
    threshold: 0,
    includeAA: false,
    diffMask: true,
    aaColor: [...AA_GREEN],
    diffColor: [...CHANGE_RED],
  });
  let [differing, faint, noise, outside] = [0, 0, 0, 0];
  const noisy: Array<[number, number]> = [];
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const d = delta(one.data, two.data, i);
      if (d === 0) continue;
      if (d <= FAINT_LEVELS) {
        faint++;
        continue;
      }
      differing++;
      if (allowed.some((k) => x >= k.x && x < k.x + k.width && y >= k.y && y < k.y + k.height)) continue;
      if (noiseFloor !== null && noiseFloor <= MAX_NOISE_LEVELS && d <= noiseFloor) {
        noise++;
        noisy.push([x, y]);
        continue;
      }
      outside++;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  if (noise > MAX_NOISE_PIXELS) {
    // Too many to be the renderer's noise: every one of them counts.
    outside += noise;
    for (const [x, y] of noisy)
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    noise = 0;
  }
  return {
    differing,
    faint,
    noise,
    outside,
    where: `within x ${x0}–${x1}, y ${y0}–${y1}`,
    diff: PNG.sync.write(diff),
  };
}

/**
 * Compares a live screenshot with the replay's: differing pixels are allowed only inside masked boxes, those
 * of the live page (where a secret or the login showed) and of the replay (where a stand-in shows). When some
 * are left outside and `again` can load the same replay once more, the renderer's noise floor on this page is
 * measured (that second load against the first) and only antialiased pixels within it are excused.
 */
export async function compareShots(
  app: string,
  live: Shot,
  replayed: Shot,
  again?: () => Promise<Shot>,
): Promise<Comparison> {
  const allowed = [...live.masked, ...replayed.masked];
  const failed = (problem: string): Comparison => ({
    label: live.label,
    differing: -1,
    faint: -1,
    noiseFloor: null,
    noise: 0,
    outside: -1,
    problem,
  });
  let result;
  let noiseFloor: number | null = null;
  try {
    result = differences(live.png, replayed.png, allowed, null);
    if (result.outside > 0 && again) {
      noiseFloor = maxLevel(replayed.png, (await again()).png);
      result = differences(live.png, replayed.png, allowed, noiseFloor);
    }
  } catch (error) {
    await saveArtifacts(app, live.label, live, replayed, null);
    return failed(String(error));
  }
  if (result.outside > 0) await saveArtifacts(app, live.label, live, replayed, result.diff);
  const problems = [
    result.outside > 0 ? `${result.outside} differing pixels outside masked spans, ${result.where}` : null,
    scrollProblem(live.scroll, replayed.scroll),
  ].filter((p) => p !== null);
  return {
    label: live.label,
    differing: result.differing,
    faint: result.faint,
    noiseFloor,
    noise: result.noise,
    outside: result.outside,
    problem: problems.length > 0 ? problems.join("; ") : null,
  };
}

/**
 * The replayed document must be scrolled where the live one was (a page's script may scroll on load). Shots
 * show the whole document with the window as tall as it (screens.ts), where fixed elements used to tell.
 */
function scrollProblem(live: Shot["scroll"], replayed: Shot["scroll"]): string | null {
  const at = (s: Shot["scroll"]) => `(${Math.round(s.x)}, ${Math.round(s.y)})`;
  return at(live) === at(replayed) ? null : `scrolled to ${at(replayed)}, live ${at(live)}`;
}

async function saveArtifacts(app: string, label: string, a: Shot, b: Shot, diff: Buffer | null) {
  const dir = join(ARTIFACTS, app);
  await mkdir(dir, { recursive: true });
  const base = join(dir, label.replace(/[^a-z0-9]+/gi, "-"));
  await writeFile(`${base}-recorded.png`, a.png);
  await writeFile(`${base}-replayed.png`, b.png);
  if (diff) await writeFile(`${base}-diff.png`, diff);
}

/** Pairs archived page views with the live documents they recorded, in order. */
export function pairViews(
  pageViews: readonly ArchivedExchange[],
  live: readonly LiveView[],
): Array<[ArchivedExchange, LiveView | null]> {
  const unused = [...live];
  return pageViews.map((pv) => {
    const i = unused.findIndex(
      (v) => v.method === pv.request.method && sameAfterMasking(new URL(v.url), new URL(pv.request.url)),
    );
    return [pv, i < 0 ? null : (unused.splice(i, 1)[0] ?? null)];
  });
}

/**
 * Opens every archived page view in a fresh browser page, as support does: in the console's full-window
 * replay page (console-replay.ts), and compares the replay frame's first screenshot (the page as loaded,
 * before any interaction) with the live one.
 */
export async function replayEveryPageView(
  app: string,
  stack: Stack,
  pageViews: readonly ArchivedExchange[],
  live: readonly LiveView[],
  maskedValues: readonly string[],
): Promise<ReplayResult[]> {
  // A browser of its own, its page views opened in the order the customer saw them: Chromium's decoded-image
  // cache is shared by a browser's contexts and changes how it antialiases around images drawn for the first
  // time (seen as 1-2 colour levels on rounded corners), so the replay starts as fresh as the live visit did.
  const browser = await launchChromium();
  const context = await signedInContext(browser, stack.recorder);
  const results: ReplayResult[] = [];
  for (const [pv, view] of pairViews(pageViews, live)) {
    const page = await context.newPage();
    const result: ReplayResult = {
      pageViewId: pv.id,
      method: pv.request.method,
      url: pv.request.url,
      recordedStatus: pv.response.status,
      replayStatus: null,
      servedBy: null,
      comparisons: [],
      unanswered: [],
      problem: null,
    };
    // Settled once the page view's own answer is known: its status is judged apart (replayStatus).
    const failing: Array<{ url: string; line: string }> = [];
    page.on("requestfailed", (request) =>
      failing.push({
        url: "",
        line: `${request.method()} ${request.url()}: ${request.failure()?.errorText ?? "failed"}`,
      }),
    );
    page.on("response", (response) => {
      if (response.status() >= 400)
        failing.push({
          url: response.url(),
          line: `${response.request().method()} ${response.url()}: ${response.status()}`,
        });
    });
    let pageViewUrl: string | null = null;
    try {
      if (view?.shots[0]) await setClockTo(page, view.shots[0]);
      const opened = await openReplay(page, stack.recorder, pv.id);
      pageViewUrl = opened.pageView.url();
      result.replayStatus = opened.pageView.status();
      result.servedBy = (await opened.pageView.headerValue("x-verbatim-exchange")) ?? null;
      const want = view?.shots[0];
      if (want)
        result.comparisons.push(
          await compareShots(app, want, await shoot(opened.screen, want.label, maskedValues, STAND_IN), () =>
            reload(browser, stack, pv.id, want, maskedValues),
          ),
        );
    } catch (error) {
      result.problem = error instanceof Error ? error.message : String(error);
    }
    result.unanswered.push(...failing.filter((f) => f.url !== pageViewUrl).map((f) => f.line));
    result.unanswered.push(...(await replayEvents(stack, pv.id)));
    results.push(result);
    await page.close();
  }
  await browser.close();
  return results;
}

/**
 * The same replay loaded once more, in a context of its own (its own paint history, signed in anew), for the
 * noise floor. Its page-view event is recorded again; that is the replay's log, not the archive.
 */
async function reload(
  browser: Browser,
  stack: Stack,
  pageViewId: string,
  want: Shot,
  maskedValues: readonly string[],
) {
  const context = await signedInContext(browser, stack.recorder);
  try {
    const page = await context.newPage();
    await setClockTo(page, want);
    const { screen } = await openReplay(page, stack.recorder, pageViewId);
    return await shoot(screen, want.label, maskedValues, STAND_IN);
  } finally {
    await context.close();
  }
}

/** What the replay itself listed for a page view: requests it blocked or never recorded (`replay_events`). */
export async function replayEvents(stack: Stack, pageViewId: string): Promise<string[]> {
  const db = await stack.recorder.mf.getD1Database("DB");
  const { results } = await db
    .prepare("SELECT kind, url FROM replay_events WHERE page_view_id = ?")
    .bind(pageViewId)
    .all<{ kind: string; url: string }>();
  return results.map((e) => `${e.kind}: ${e.url}`);
}

/** One line per page view that did not replay as recorded. */
export function replayFailures(results: readonly ReplayResult[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    const where = `${r.method} ${r.url} (page view ${r.pageViewId}, status ${r.recordedStatus})`;
    if (r.problem) out.push(`${where}: ${r.problem}`);
    if (r.servedBy !== r.pageViewId)
      out.push(`${where}: replay answered by ${r.servedBy ?? "nothing from the archive"}`);
    if (r.replayStatus !== r.recordedStatus) out.push(`${where}: replay status ${String(r.replayStatus)}`);
    for (const c of r.comparisons)
      if (c.problem)
        out.push(
          `${where} [${c.label}]: ${c.problem} (see ${ARTIFACTS})${r.unanswered.length > 0 ? `; unanswered in the replay: ${r.unanswered.join(", ")}` : ""}`,
        );
  }
  return out;
}

/**
 * What each noise rule excused, per page view (`replay_noise` in test-results/apps.json): `faint` (a change
 * of at most FAINT_LEVELS anywhere) and `noise` (antialiased pixels within the page's measured noise floor).
 */
export function noiseFigures(results: readonly ReplayResult[]) {
  const pages = results.flatMap((r) =>
    r.comparisons.map((c) => ({
      page_view: `${r.method} ${r.url}`,
      label: c.label,
      faint: Math.max(0, c.faint),
      noise_floor: c.noiseFloor,
      noise: c.noise,
    })),
  );
  return {
    faint_pixels: pages.reduce((n, p) => n + p.faint, 0),
    noise_pixels: pages.reduce((n, p) => n + p.noise, 0),
    replay_noise: pages,
  };
}
