import { VerifyFailure } from "./failure.ts";
import type { ZipFile } from "./zip-file.ts";

/**
 * The entries an export holds (docs/evidence.md §2), as data: the fixed ones by name, and the slices as
 * pairs of a WARC and its evidence lines sharing one number.
 */
export const ENTRY = {
  cdxj: "indexes/index.cdxj",
  pages: "pages/pages.jsonl",
  checkpoint: "evidence/checkpoint.txt",
  logKey: "evidence/log-key.txt",
  exportManifest: "evidence/export.json",
  datapackage: "datapackage.json",
  datapackageDigest: "datapackage-digest.json",
} as const;

const WARC_NAME = /^archive\/data-(\d{5})\.warc\.gz$/;
const EVIDENCE_NAME = /^evidence\/records-(\d{5})\.jsonl$/;

export type Slice = { number: string; warc: string; evidence: string };

/** The slices in number order; every WARC needs its evidence file and the other way round. */
export function slicesOf(zip: ZipFile): Slice[] {
  for (const name of Object.values(ENTRY)) {
    if (!zip.entry(name)) throw new VerifyFailure("zip", { file: name }, "is missing from the export");
  }
  const warcs = new Map<string, string>();
  const evidence = new Map<string, string>();
  for (const { name } of zip.entries) {
    const warc = WARC_NAME.exec(name);
    if (warc?.[1]) warcs.set(warc[1], name);
    const lines = EVIDENCE_NAME.exec(name);
    if (lines?.[1]) evidence.set(lines[1], name);
  }
  for (const [number, name] of warcs) {
    if (!evidence.has(number)) {
      throw new VerifyFailure(
        "zip",
        { file: name },
        `has no evidence lines (evidence/records-${number}.jsonl)`,
      );
    }
  }
  for (const [number, name] of evidence) {
    if (!warcs.has(number)) {
      throw new VerifyFailure("zip", { file: name }, `has no WARC (archive/data-${number}.warc.gz)`);
    }
  }
  const numbers = [...warcs.keys()].sort();
  numbers.forEach((number, i) => {
    if (Number(number) !== i + 1) {
      throw new VerifyFailure(
        "zip",
        {},
        `WARC slices are not numbered 00001 onwards without gaps (found ${numbers.join(", ")})`,
      );
    }
  });
  return numbers.map((number) => ({
    number,
    warc: `archive/data-${number}.warc.gz`,
    evidence: `evidence/records-${number}.jsonl`,
  }));
}
