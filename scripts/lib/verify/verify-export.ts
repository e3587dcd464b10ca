import { stat } from "node:fs/promises";
import { bytesToHex } from "@noble/hashes/utils.js";
import { checkCdxj, RecordIndex } from "./cdxj-check.ts";
import { checkCheckpoint } from "./checkpoint-check.ts";
import { checkDatapackage } from "./datapackage-check.ts";
import { checkEvidence } from "./evidence-check.ts";
import { checkCounts, readExportManifest } from "./export-manifest.ts";
import { UnreadableExport, VERIFY_STEPS, VerifyFailure, type VerifyStep } from "./failure.ts";
import { slicesOf } from "./layout.ts";
import { checkPages, type PageView } from "./pages-check.ts";
import { STEP_TITLES, type StepReport, type VerifyReport } from "./report.ts";
import { checkSignature } from "./signature-check.ts";
import { checkWarc } from "./warc-check.ts";
import { ZipFile } from "./zip-file.ts";

/**
 * The verification of docs/evidence.md §3, in its order (except that the signature over datapackage.json
 * is checked before the hashes that file lists), over an export file on disk. Each step adds what
 * it established to the report; the first failure stops the run (a later step would be checking data an
 * earlier one already found untrustworthy) and is reported with where it is. Only an export that cannot be
 * read at all throws (UnreadableExport); everything else is a report.
 */
export type VerifyOptions = {
  /** Pinned log verifier key (`<name>+<id>+<base64>`); without it, the key in the export is used and reported. */
  logKey?: string | undefined;
  /** Pinned export key (base64 SubjectPublicKeyInfo); without it, the key in the signature is used and reported. */
  exportKey?: string | undefined;
  /** Called with what is being read, for a progress line on long exports. */
  progress?: ((text: string) => void) | undefined;
};

export async function verifyExport(path: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const steps = new Map<VerifyStep, StepReport>(
    VERIFY_STEPS.map((step) => [step, { step, title: STEP_TITLES[step], status: "not run", facts: [] }]),
  );
  const fact = (step: VerifyStep, label: string, value: string | number) =>
    steps.get(step)?.facts.push([label, typeof value === "number" ? value.toLocaleString("en-US") : value]);
  const pass = (step: VerifyStep) => {
    const report = steps.get(step);
    if (report) report.status = "passed";
  };
  // The size even of a file that is no zip, for the report's first line.
  const bytes = (await stat(path).catch(() => null))?.size ?? 0;
  const report: VerifyReport = { file: path, bytes, ok: false, steps: [], failure: null, warnings: [] };

  let zip: ZipFile | undefined;
  /** The entry being read, to locate an error that is not a VerifyFailure (an I/O or decoding error). */
  let reading: string | undefined;
  try {
    const opened = await ZipFile.open(path);
    zip = opened;
    const slices = slicesOf(opened);
    fact("zip", "entries", opened.entries.length);
    fact("zip", "WARC slices", slices.length);
    fact(
      "zip",
      "checked",
      "central directory, local headers, no overlaps, every entry STORED, CRC-32 of every entry",
    );

    pass("zip");
    // The signature before the list it signs: a changed datapackage.json is then named as such, not as a
    // file whose listed hash no longer matches.
    const signature = await checkSignature(opened, options.exportKey);
    fact("signature", "algorithm", signature.algorithm);
    fact("signature", "signed hash", `sha256:${signature.hash}`);
    fact("signature", "key fingerprint", `sha256:${signature.fingerprint}`);
    fact(
      "signature",
      "key",
      signature.pinned ? "PINNED (--export-key matches)" : "not pinned: the key is the one in the export",
    );
    if (signature.created) fact("signature", "signed at", signature.created);
    if (signature.software) fact("signature", "software", signature.software);
    if (!signature.pinned) {
      report.warnings.push(
        "The package signature was checked with the key the export itself carries. Anyone can sign with their own key; pass --export-key with the published key to prove who signed it.",
      );
    }
    pass("signature");
    const datapackage = await checkDatapackage(opened, (name) => options.progress?.(`hashing ${name}`));
    fact("datapackage", "files listed", datapackage.resources);
    fact("datapackage", "bytes hashed", datapackage.bytes);
    if (datapackage.created) fact("datapackage", "created", datapackage.created);
    if (datapackage.software) fact("datapackage", "software", datapackage.software);
    fact(
      "datapackage",
      "checked",
      "every file listed, every file's SHA-256 and size as listed, no unlisted file",
    );
    pass("datapackage");

    const manifest = await readExportManifest(opened);
    const head = await checkCheckpoint(opened, options.logKey);
    const { checkpoint } = head;
    fact("checkpoint", "log", checkpoint.origin);
    fact("checkpoint", "tree size", checkpoint.size);
    fact("checkpoint", "root hash", bytesToHex(checkpoint.rootHash));
    // A checkpoint has no time of its own (c2sp.org/tlog-checkpoint); the export states when it was signed.
    const signedAt = manifest.raw["checkpoint_time"];
    fact(
      "checkpoint",
      "signed at",
      typeof signedAt === "string" ? `${signedAt} (as evidence/export.json states)` : "not stated",
    );
    if (head.audit) fact("checkpoint", "audit log head", `entry ${head.audit.seq}, ${head.audit.hash}`);
    fact("checkpoint", "log key", `${head.keyName} (key id ${head.keyId})`);
    fact(
      "checkpoint",
      "key",
      head.pinned ? "PINNED (--log-key matches)" : "not pinned: the key is the one in the export",
    );
    if (!head.pinned) {
      report.warnings.push(
        "The tree head was checked with the log key the export itself carries. Pass --log-key with the key published at GET /__verbatim/api/evidence/keys to tie the export to Verbatim's log.",
      );
    }
    pass("checkpoint");

    for (const key of ["scope", "filter", "created", "software"]) {
      const value = manifest.raw[key];
      if (value !== undefined && value !== null)
        fact("export", key, typeof value === "string" ? value : JSON.stringify(value));
    }
    fact("export", "records stated", manifest.recordCount);
    fact("export", "tree size stated", manifest.treeSize);

    const index = new RecordIndex();
    const pageViews = new Map<string, PageView>();
    const seenLeaves = new Set<number>();
    const types = new Map<string, number>();
    let records = 0;
    for (const slice of slices) {
      reading = slice.warc;
      options.progress?.(`reading ${slice.warc}`);
      const warc = await checkWarc(opened, slice.warc);
      for (const r of warc) {
        types.set(r.type, (types.get(r.type) ?? 0) + 1);
      }
      index.add(slice.warc, warc);
      reading = slice.evidence;
      options.progress?.(`checking ${slice.evidence}`);
      records += await checkEvidence(opened, slice, warc, checkpoint, seenLeaves, pageViews);
    }
    fact("warc", "files", slices.length);
    fact(
      "warc",
      "records",
      [...types].map(([type, n]) => `${n.toLocaleString("en-US")} ${type}`).join(", ") || "none",
    );
    fact(
      "warc",
      "checked",
      "WARC/1.1, block digest of every record, payload digest of every request and response, revisits refer to an earlier payload",
    );
    pass("warc");
    fact("evidence", "records", records);
    fact(
      "evidence",
      "checked",
      "record_hash recomputed from the record, inclusion proof against the tree head, its WARC request and response agree on exchange, URL, date, method, target, status, headers and body digests; same order, none missing or extra",
    );
    pass("evidence");

    reading = undefined;
    options.progress?.("checking the index");
    fact("cdxj", "lines", await checkCdxj(opened, index));
    pass("cdxj");
    const pages = await checkPages(opened, pageViews);
    fact("pages", "pages", pages);
    pass("pages");

    checkCounts(manifest, { records, treeSize: checkpoint.size, pages });
    fact("export", "checked", "record count, page count and tree size as stated");
    pass("export");
    report.ok = true;
  } catch (error) {
    if (error instanceof UnreadableExport) throw error;
    const failure =
      error instanceof VerifyFailure
        ? error
        : new VerifyFailure(
            firstNotPassed(steps),
            reading === undefined ? {} : { file: reading },
            `could not be read: ${error instanceof Error ? error.message : String(error)}`,
          );
    const failed = steps.get(failure.step);
    if (failed) failed.status = "failed";
    report.failure = {
      step: failure.step,
      where: failure.where,
      message: failure.message,
      text: failure.located,
    };
  } finally {
    await zip?.close();
  }
  report.steps = [...steps.values()];
  return report;
}

function firstNotPassed(steps: ReadonlyMap<VerifyStep, StepReport>): VerifyStep {
  for (const [step, report] of steps) if (report.status !== "passed") return step;
  return "zip";
}
