import { MaskContext } from "../../../worker/src/mask/context.ts";
import { maskBody } from "../../../worker/src/mask/mask-body.ts";
import { changedSpans, snippet, type ChangedSpan } from "./changed-spans.ts";
import { shapeOf } from "./secret-shapes.ts";
import { compareSyntax, type SyntaxVerdict } from "./syntax.ts";
import { walkCorpus, type CorpusExtension, type CorpusFile } from "./walk.ts";

/**
 * The masking corpus (issue 7, item 9): every .js, .mjs, .json, .html, .css and .svg file in the project's
 * own node_modules, masked as the type it would be served with, by the default policy. Files no one here
 * wrote are what a real site serves; masking must leave them parseable and change only secret-shaped values.
 *
 * Imports the masker's own files (as scripts/policy.ts does) rather than mask/index.ts, which also pulls in
 * the Worker's bundled policy, so plain Node (the benchmark) runs it without a bundler alias.
 */
export const CORPUS_SECRET = "corpus-test-secret-0123456789abcdef";

export type ChangedFile = {
  path: string;
  contentType: string;
  /** Rules that fired, as `rule@location`, from the context's findings. */
  rules: string[];
  spans: number;
  /** The first few spans, with context, and the shape of the value each removed (null: none recognised). */
  examples: { snippet: string; shape: string | null }[];
  /** Spans whose removed text is not a secret shape (false positives). */
  unexplained: number;
  syntax: SyntaxVerdict;
  /** The file was valid UTF-8 and the masked bytes are not (a multi-byte character cut by byte-wise masking). */
  encodingBroken: boolean;
};

export type CorpusReport = {
  files: number;
  bytes: number;
  byExtension: Record<string, number>;
  oversized: string[];
  duplicates: number;
  symlinks: number;
  changed: ChangedFile[];
  /** Files whose masking threw: the recorder would store no body for them. */
  maskErrors: { path: string; error: string }[];
  syntaxBreaks: number;
  structureChanges: number;
  encodingBreaks: number;
  unexplainedChanges: number;
  elapsedMs: number;
};

const EXAMPLES_PER_FILE = 5;
const decoder = new TextDecoder("utf-8");
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    strictDecoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export async function runCorpus(
  root: string,
  options: { dir?: string; maxBytes?: number } = {},
): Promise<CorpusReport> {
  const started = performance.now();
  const walked = await walkCorpus(root, options.dir ?? `${root}/node_modules`, options.maxBytes);
  const report: CorpusReport = {
    files: walked.files.length,
    bytes: 0,
    byExtension: {},
    oversized: walked.oversized,
    duplicates: walked.duplicates,
    symlinks: walked.symlinks,
    changed: [],
    maskErrors: [],
    syntaxBreaks: 0,
    structureChanges: 0,
    encodingBreaks: 0,
    unexplainedChanges: 0,
    elapsedMs: 0,
  };
  for (const file of walked.files) {
    report.bytes += file.bytes.length;
    report.byExtension[file.extension] = (report.byExtension[file.extension] ?? 0) + 1;
    const outcome = maskOne(file);
    if (outcome === null) continue;
    if ("error" in outcome) {
      report.maskErrors.push({ path: file.path, error: outcome.error });
      continue;
    }
    report.changed.push(outcome);
    if (outcome.syntax.kind === "broken") report.syntaxBreaks++;
    if (outcome.syntax.kind === "structure-changed") report.structureChanges++;
    if (outcome.encodingBroken) report.encodingBreaks++;
    if (outcome.unexplained > 0) report.unexplainedChanges++;
  }
  report.elapsedMs = Math.round(performance.now() - started);
  return report;
}

/** Masks one file: null when it comes back byte-identical. */
function maskOne(file: CorpusFile): ChangedFile | { error: string } | null {
  // Served files: masked as responses, the way the recorder masks what a site sends.
  const ctx = new MaskContext({
    secret: CORPUS_SECRET,
    url: `https://corpus.example/${file.path}`,
    side: "response",
  });
  let masked: Uint8Array;
  try {
    masked = maskBody(file.bytes, file.contentType, ctx);
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
  if (sameBytes(file.bytes, masked)) return null;
  const before = decoder.decode(file.bytes);
  const after = decoder.decode(masked);
  const spans = changedSpans(before, after);
  const shapes = spans.map((span) => shapeOf(before, span));
  return {
    path: file.path,
    contentType: file.contentType,
    rules: ctx.findings.map((finding) => `${finding.rule}@${finding.location}×${finding.count}`),
    spans: spans.length,
    examples: spans
      .slice(0, EXAMPLES_PER_FILE)
      .map((span, i) => ({ snippet: snippet(before, span), shape: shapes[i]?.name ?? null })),
    unexplained: shapes.filter((shape) => shape === null || !shape.secret).length,
    syntax: compareSyntax(file.extension, before, after),
    encodingBroken: isUtf8(file.bytes) && !isUtf8(masked),
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export type { ChangedSpan, CorpusExtension };
