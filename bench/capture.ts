import { execFile } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Section } from "./report.ts";

/**
 * Capture completeness on real applications: runs the real-applications suite (test/apps: DokuWiki and
 * Verdaccio driven by Chromium through the recorder) and reports what it measured. `browser_requests` are
 * the requests in the browser's HAR that went to the recorder (or around it, to the application);
 * `recorded` how many of them the archive holds. The suite's own pass/fail does not fail the benchmark:
 * its figures are reported either way, with the failing checks' count.
 */
const run = promisify(execFile);

type AppFigures = Record<string, number | string>;
type SuiteResults = {
  capture: { browser_requests: number; recorded: number };
  apps: Record<string, AppFigures>;
};

export async function runCaptureBench(
  root: string,
  work: string,
  log: (line: string) => void,
): Promise<Section> {
  const results = join(work, "apps.json");
  await rm(results, { force: true });
  log("capture: running the real-applications suite (test/apps)");
  let failedChecks = 0;
  try {
    await run(
      join(root, "node_modules", ".bin", "vitest"),
      ["run", "--config", "test/apps/vitest.config.ts"],
      {
        cwd: root,
        env: { ...process.env, VERBATIM_APPS_RESULTS: results },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
  } catch (error) {
    const output = String((error as { stdout?: unknown }).stdout ?? "");
    failedChecks = Number(/Tests\D+(\d+) failed/.exec(output.replace(/\x1b\[[0-9;]*m/g, ""))?.[1] ?? "1");
  }
  const suite = JSON.parse(await readFile(results, "utf8")) as SuiteResults;
  const apps: Section = {};
  for (const [name, figures] of Object.entries(suite.apps)) apps[name] = { ...figures };
  return {
    method:
      "npm run test:apps: each application is browsed in Chromium through the recorder (Miniflare, local R2/D1) with a HAR recorded; every HAR request to the recorder is matched one to one with an archived exchange (method and URL, compared after masking). Requests to the application's own origin count as browser requests that were not recorded.",
    browser_requests: suite.capture.browser_requests,
    recorded: suite.capture.recorded,
    failed_checks: failedChecks,
    apps,
    targets: [
      {
        name: "every browser request recorded",
        measured: `${suite.capture.recorded} / ${suite.capture.browser_requests}`,
        target: "recorded = browser_requests",
        pass: suite.capture.recorded === suite.capture.browser_requests,
      },
    ],
  };
}
