import { runCorpus, type CorpusReport } from "../../test/node/corpus/mask-corpus.ts";
import type { Section, Value } from "../report.ts";

/**
 * The masking corpus in the benchmark report (issue 7, item 9): every .js, .mjs, .json, .html, .css and .svg
 * file of node_modules masked as the type it is served with, in Node (the maskers are pure code), the same
 * run as `npm run test:node`. Its figures join the `mask` section as `corpus_*`.
 */
const CORPUS_PREFIX = "corpus_";
const NOTE_PREFIX = "Corpus:";

export async function runMaskCorpusBench(root: string, log: (line: string) => void): Promise<Section> {
  const cpu = process.cpuUsage();
  const report = await runCorpus(root);
  const used = process.cpuUsage(cpu);
  const cpuS = round((used.user + used.system) / 1e6);
  log(
    `mask-corpus: ${report.files} files, ${report.changed.length} changed, ${report.syntaxBreaks} syntax breaks, ${cpuS} s CPU`,
  );
  return corpusSection(report, cpuS);
}

function corpusSection(report: CorpusReport, cpuS: number): Section {
  const changedShare = report.files === 0 ? 0 : report.changed.length / report.files;
  const ruleFiles = new Map<string, number>();
  for (const file of report.changed)
    for (const rule of new Set(file.rules.map((r) => r.split("@")[0] ?? r)))
      ruleFiles.set(rule, (ruleFiles.get(rule) ?? 0) + 1);
  return {
    corpus_files: report.files,
    corpus_bytes: report.bytes,
    corpus_changed: report.changed.length,
    corpus_syntax_breaks: report.syntaxBreaks,
    corpus_structure_changes: report.structureChanges,
    corpus_encoding_breaks: report.encodingBreaks,
    corpus_mask_errors: report.maskErrors.length,
    corpus_not_secret_shaped: report.unexplainedChanges,
    corpus_duplicates_skipped: report.duplicates,
    corpus_oversized: report.oversized.length,
    corpus_cpu_s: cpuS,
    corpus_wall_s: round(report.elapsedMs / 1000),
    corpus_files_by_type: report.byExtension,
    corpus_changed_by_rule: [...ruleFiles]
      .sort((a, b) => b[1] - a[1])
      .map(([rule, files]) => ({ rule, files })),
    corpus_changed_files: report.changed.map((file) => ({
      path: file.path,
      rules: rulesByKind(file.rules),
      changes: file.spans,
      not_secret: file.unexplained,
      syntax:
        file.syntax.kind === "broken" || file.syntax.kind === "structure-changed"
          ? `${file.syntax.kind}: ${file.syntax.detail}`
          : file.syntax.kind,
      first_change: `${file.examples[0]?.shape ?? "not secret-shaped"}: ${file.examples[0]?.snippet ?? ""}`,
    })),
    corpus_mask_error_files: report.maskErrors.map((e) => ({ path: e.path, error: e.error })),
    targets: [
      {
        name: "Corpus: files that parsed before and not after (or lost their HTML/SVG tree)",
        measured: report.syntaxBreaks,
        target: "0",
        pass: report.syntaxBreaks === 0,
      },
      {
        name: "Corpus: share of files changed",
        measured: `${round(changedShare * 100, 3)}%`,
        target: "<= 0.1%",
        pass: changedShare <= 0.001,
      },
      {
        name: "Corpus: changed files with a change that is not secret-shaped",
        measured: report.unexplainedChanges,
        target: "0",
        pass: report.unexplainedChanges === 0,
      },
    ],
    notes: [
      `${NOTE_PREFIX} node_modules' .js/.mjs (text/javascript), .json (application/json), .html (text/html; charset=utf-8), .css (text/css) and .svg (image/svg+xml), masked by maskBody with the default policy in Node (files over 32 MiB would be listed in corpus_oversized: none today); identical contents masked once, symlinks and node_modules' dot-entries skipped (test/node/corpus/). Syntax before/after: acorn (module, then script), JSON.parse, htmlparser2's tree (tags, attribute names, nesting), postcss. A structure change is code that still parses but changed: a JS token other than a string or template, a JSON key or value type, a CSS selector or property.`,
      `${NOTE_PREFIX} "secret-shaped" is judged independently of the masker (test/node/corpus/secret-shapes.ts): Luhn-valid card numbers with a card-scheme prefix standing alone, JWTs, Bearer and Basic credentials, IBANs, PEM private keys, provider API keys. E-mail addresses are named but count as not secret-shaped. Same run and checks as \`npm run test:node\`.`,
    ],
  };
}

/** `secret-token@json:$.a.b×1`, `secret-token@json:$.c×2` → `secret-token@json ×3`: the paths are in the test's output. */
function rulesByKind(rules: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const rule of rules) {
    const match = /^([^@]+)@([^:×]*)[^×]*×(\d+)$/.exec(rule);
    const key = match ? `${match[1]}@${match[2]}` : rule;
    counts.set(key, (counts.get(key) ?? 0) + Number(match?.[3] ?? 1));
  }
  return [...counts].map(([key, count]) => `${key} ×${count}`).join(", ");
}

function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

const isCorpusTarget = (t: Value) =>
  typeof t === "object" && t !== null && !Array.isArray(t) && String(t["name"]).startsWith(NOTE_PREFIX);
const isCorpusNote = (n: Value) => typeof n === "string" && n.startsWith(NOTE_PREFIX);

/**
 * The `mask` section with the throughput figures of `throughput` and the corpus figures of `corpus`: the
 * two benchmarks run separately (`npm run bench -- mask` or `-- mask-corpus`) and each keeps the other's
 * last figures, since report.ts replaces a section as a whole.
 */
export function mergeMaskSection(throughput: Section | undefined, corpus: Section | undefined): Section {
  const merged: Section = {};
  for (const [key, value] of Object.entries(throughput ?? {}))
    if (!key.startsWith(CORPUS_PREFIX) && key !== "targets" && key !== "notes" && key !== "measured_at")
      merged[key] = value;
  for (const [key, value] of Object.entries(corpus ?? {}))
    if (key.startsWith(CORPUS_PREFIX)) merged[key] = value;
  const list = (section: Section | undefined, key: string) => {
    const value = section?.[key];
    return Array.isArray(value) ? value : [];
  };
  merged["targets"] = [
    ...list(throughput, "targets").filter((t) => !isCorpusTarget(t)),
    ...list(corpus, "targets").filter(isCorpusTarget),
  ];
  merged["notes"] = [
    ...list(throughput, "notes").filter((n) => !isCorpusNote(n)),
    ...list(corpus, "notes").filter(isCorpusNote),
  ];
  return merged;
}
