/** The export writers' public surface: pure, bytes in and bytes out, for the export job and the tests. */
export { linesOf, mergeSorted } from "./cdxj-merge.ts";
export { datapackageJson, type DatapackageMeta } from "./datapackage.ts";
export { harOf, type HarMeta } from "./har.ts";
export { pageLine, pagesHeader } from "./pages.ts";
export {
  datapackageDigest,
  devExportSigner,
  exportSignerFromPkcs8,
  generateExportKey,
  verifyDatapackageDigest,
  type DigestVerification,
  type ExportSigner,
} from "./wacz-signing.ts";
export {
  WarcFileWriter,
  type WarcExchangeInput,
  type WarcExchangeOutput,
  type WarcFileOptions,
} from "./warc-file.ts";
export type { GzipLevel } from "./warc-record.ts";
export { ZipWriter, type ZipEntryInfo, type ZipState } from "./zip-writer.ts";
