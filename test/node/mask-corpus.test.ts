import { beforeAll, describe, expect, it } from "vitest";
import { runCorpus, type CorpusReport } from "./corpus/mask-corpus.ts";

/**
 * Issue 7, item 9: masking every .js, .mjs, .json, .html, .css and .svg file of the project's own
 * node_modules (thousands of files no one here wrote) as the type it would be served with. Each check
 * lists its offenders, so a failure shows which file, which rule and what was changed.
 */
const root = new URL("../../", import.meta.url).pathname;
/** At most one file in a thousand may change at all (issue 7, "Must show"). */
const MAX_CHANGED_SHARE = 0.001;

let report: CorpusReport;
beforeAll(async () => {
  report = await runCorpus(root);
});

const line = (path: string, ...parts: readonly string[]) => [path, ...parts].join(" | ");

const CHECKS: ReadonlyArray<readonly [string, (r: CorpusReport) => string[]]> = [
  ["masks every file without throwing", (r) => r.maskErrors.map((e) => line(e.path, e.error))],
  [
    "leaves every file that parsed before parseable, with the same HTML and SVG element tree",
    (r) =>
      r.changed.flatMap((c) =>
        c.syntax.kind === "broken"
          ? [line(c.path, c.syntax.detail, ...c.rules, c.examples[0]?.snippet ?? "")]
          : [],
      ),
  ],
  [
    "changes no code: only JS string and template text, JSON values, CSS declaration values",
    (r) =>
      r.changed.flatMap((c) =>
        c.syntax.kind === "structure-changed"
          ? [line(c.path, c.syntax.detail, ...c.rules, c.examples[0]?.snippet ?? "")]
          : [],
      ),
  ],
  [
    "keeps valid UTF-8 valid",
    (r) => r.changed.filter((c) => c.encodingBroken).map((c) => line(c.path, ...c.rules)),
  ],
  [
    "changes only secret-shaped values",
    (r) =>
      r.changed
        .filter((c) => c.unexplained > 0)
        .map((c) =>
          line(
            c.path,
            `${c.unexplained}/${c.spans} changes not secret-shaped`,
            ...c.rules,
            ...c.examples.map((e) => `${e.shape ?? "no secret shape"}: ${e.snippet}`),
          ),
        ),
  ],
  [
    `changes at most ${MAX_CHANGED_SHARE * 100}% of the files`,
    (r) =>
      r.changed.length <= r.files * MAX_CHANGED_SHARE
        ? []
        : [
            `${r.changed.length} of ${r.files} files changed`,
            ...r.changed.map((c) => line(c.path, ...c.rules)),
          ],
  ],
];

describe("masking the node_modules corpus", () => {
  it("reads thousands of files of every served type, none skipped for size", () => {
    expect(report.files).toBeGreaterThan(1000);
    expect(report.oversized).toEqual([]);
    expect(Object.keys(report.byExtension).sort()).toEqual([".css", ".html", ".js", ".json", ".mjs", ".svg"]);
  });

  it.each(CHECKS)("%s", (_behaviour, offenders) => {
    expect(offenders(report)).toEqual([]);
  });
});
