import { VerifyFailure } from "./failure.ts";
import { isCount, isObject, parseJson, type JsonObject } from "./json-shape.ts";
import { ENTRY } from "./layout.ts";
import type { ZipFile } from "./zip-file.ts";

/**
 * `evidence/export.json`: what the export claims to be (scope, filter, when, by what) and how much it holds.
 * Its counts are what make a dropped record visible: every proof is per record, so an export missing a
 * record (from both its WARC and its evidence lines) still has valid proofs for the rest; only the stated
 * `record_count`, covered by datapackage.json and so by the signature, disagrees with the lines.
 */
export type ExportManifest = {
  recordCount: number;
  treeSize: number;
  pageCount: number | undefined;
  /** The rest, shown in the report as the export states it. */
  raw: JsonObject;
};

export async function readExportManifest(zip: ZipFile): Promise<ExportManifest> {
  const file = ENTRY.exportManifest;
  const entry = zip.entry(file);
  if (!entry) throw new VerifyFailure("zip", { file }, "is missing from the export");
  const json = parseJson(new TextDecoder().decode(await zip.read(entry, 1 << 20)));
  if (!isObject(json)) throw new VerifyFailure("export", { file }, "is not a JSON object");
  const { record_count: recordCount, tree_size: treeSize, page_count: pageCount } = json;
  if (!isCount(recordCount))
    throw new VerifyFailure("export", { file }, 'has no whole-number "record_count"');
  if (!isCount(treeSize)) throw new VerifyFailure("export", { file }, 'has no whole-number "tree_size"');
  if (pageCount !== undefined && !isCount(pageCount)) {
    throw new VerifyFailure("export", { file }, '"page_count" is not a whole number');
  }
  return { recordCount, treeSize, pageCount, raw: json };
}

/** The stated counts against what the export was found to hold. */
export function checkCounts(
  manifest: ExportManifest,
  found: { records: number; treeSize: number; pages: number },
): void {
  const file = ENTRY.exportManifest;
  if (manifest.treeSize !== found.treeSize) {
    throw new VerifyFailure(
      "export",
      { file },
      `says tree size ${manifest.treeSize}, evidence/checkpoint.txt signs ${found.treeSize}`,
    );
  }
  if (manifest.recordCount !== found.records) {
    throw new VerifyFailure(
      "export",
      { file },
      `says ${manifest.recordCount} records, the evidence lines hold ${found.records}${found.records < manifest.recordCount ? " (records were removed)" : " (records were added)"}`,
    );
  }
  if (manifest.pageCount !== undefined && manifest.pageCount !== found.pages) {
    throw new VerifyFailure(
      "export",
      { file },
      `says ${manifest.pageCount} pages, pages/pages.jsonl lists ${found.pages}`,
    );
  }
}
