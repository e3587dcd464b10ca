import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * The suite's figures, for people and for `npm run bench` (bench/capture.ts reads this file): per
 * application, and `capture.browser_requests` / `capture.recorded` summed over the applications (key
 * names from docs on benchmarks). Written even when checks fail: the numbers are the evidence.
 */
const root = new URL("../../../", import.meta.url).pathname;
export const RESULTS_PATH = process.env["VERBATIM_APPS_RESULTS"] ?? join(root, "test-results", "apps.json");

export type AppFigures = {
  browser_requests: number;
  recorded: number;
  escaped: number;
  missing: number;
  excluded: number;
  from_cache: number;
  page_views: number;
  page_views_replayed_exact: number;
  /** Pixels changed by at most 2 colour levels in replays (raster noise, not counted as differences). */
  faint_pixels: number;
  /** Antialiased pixels excused within a page's measured noise floor (see compareShots). */
  noise_pixels: number;
  /** Per page view: what each of the two rules excused, and the noise floor when one was measured. */
  replay_noise: Array<{
    page_view: string;
    label: string;
    faint: number;
    noise_floor: number | null;
    noise: number;
  }>;
  secret_hits: number;
  replay_origin_requests: number;
  files_scanned: number;
  bytes_scanned: number;
  /** The day's WACZ export: its size, and the exchanges it holds (verified by the CLI). */
  export_bytes: number;
  export_records: number;
};

type ResultsFile = {
  capture: { browser_requests: number; recorded: number };
  apps: Record<string, Partial<AppFigures> & { date: string }>;
};

/** Figures a check did not reach (it failed before measuring) are simply absent. */
export async function writeAppFigures(app: string, figures: Partial<AppFigures>): Promise<void> {
  let file: ResultsFile = { capture: { browser_requests: 0, recorded: 0 }, apps: {} };
  try {
    file = JSON.parse(await readFile(RESULTS_PATH, "utf8")) as ResultsFile;
  } catch {
    // first application of the run
  }
  file.apps[app] = { ...figures, date: new Date().toISOString() };
  const apps = Object.values(file.apps);
  file.capture = {
    browser_requests: apps.reduce((n, a) => n + (a.browser_requests ?? 0), 0),
    recorded: apps.reduce((n, a) => n + (a.recorded ?? 0), 0),
  };
  await mkdir(join(RESULTS_PATH, ".."), { recursive: true });
  await writeFile(RESULTS_PATH, `${JSON.stringify(file, null, 2)}\n`);
}
