import type { FailureWhere, VerifyStep } from "./failure.ts";

/**
 * What the verifier found, for two readers: a compliance officer reading text (what was checked, how many,
 * against which keys, and whether those keys were pinned), and a program reading `--json` (the same facts).
 */
export type StepStatus = "passed" | "failed" | "not run";

export type StepReport = {
  step: VerifyStep;
  title: string;
  status: StepStatus;
  /** Label and value pairs, in the order they are printed. */
  facts: Array<[string, string]>;
};

export type VerifyReport = {
  file: string;
  bytes: number;
  ok: boolean;
  steps: StepReport[];
  failure: { step: VerifyStep; where: FailureWhere; message: string; text: string } | null;
  /** What a reader must weigh: keys taken from the export itself rather than pinned. */
  warnings: string[];
};

export const STEP_TITLES: Readonly<Record<VerifyStep, string>> = {
  zip: "Package structure (zip)",
  datapackage: "File digests (datapackage.json)",
  signature: "Package signature (datapackage-digest.json)",
  checkpoint: "Signed tree head (evidence/checkpoint.txt)",
  export: "Export manifest (evidence/export.json)",
  warc: "WARC records (read with warcio, digests recomputed)",
  evidence: "Evidence records (record hashes, inclusion proofs, match with the WARC)",
  cdxj: "Index (indexes/index.cdxj)",
  pages: "Pages (pages/pages.jsonl)",
};

const MARK: Readonly<Record<StepStatus, string>> = { passed: "PASS", failed: "FAIL", "not run": "----" };

export function renderText(report: VerifyReport): string {
  const out: string[] = [];
  out.push(
    "Verbatim export verification",
    `  file   ${report.file} (${report.bytes.toLocaleString("en-US")} bytes)`,
    "",
  );
  for (const step of report.steps) {
    out.push(
      `${MARK[step.status]}  ${step.title}${step.status === "not run" ? " (not checked: an earlier check failed)" : ""}`,
    );
    const width = Math.max(0, ...step.facts.map(([label]) => label.length));
    for (const [label, value] of step.facts) out.push(`      ${label.padEnd(width)}  ${value}`);
    if (step.status === "failed" && report.failure) out.push(`      FAILED: ${report.failure.text}`);
  }
  out.push("");
  for (const warning of report.warnings) out.push(`NOTE: ${warning}`);
  if (report.warnings.length > 0) out.push("");
  out.push(
    report.ok
      ? "RESULT: VERIFIED. Every check passed."
      : `RESULT: FAILED at ${STEP_TITLES[report.failure?.step ?? "zip"]}: ${report.failure?.text ?? "unknown failure"}`,
  );
  return `${out.join("\n")}\n`;
}
