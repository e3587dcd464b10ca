import type { ZipState } from "../export/zip-writer.ts";
import type { ExportScope } from "./export-scope.ts";
import type { UploadedPart } from "./part-sink.ts";

/** What the API hands the Workflow when it starts an export. */
export type ExportParams = { id: string; scope: ExportScope; requestedBy: string; created: number };

/** What the plan step settles, once, for every later step. */
export type ExportPlan = {
  /** R2 key of the archive being written. */
  key: string;
  uploadId: string;
  slices: number;
  /** The signed tree head (its size) every proof in the export is against. */
  treeSize: number;
};

/** What crosses from one slice step to the next: small and JSON, as Workflow step results must be. */
export type JobState = {
  zip: ZipState;
  parts: UploadedPart[];
  /** R2 key of the bytes not yet in a part (less than one part), or null. */
  carryKey: string | null;
  written: number;
  records: number;
  pages: number;
  bodiesMissing: number;
  home: { url: string; ts: string } | null;
};

export const SOFTWARE = "Verbatim edge recorder";

export function initialState(): JobState {
  return {
    zip: { offset: 0, entries: [] },
    parts: [],
    carryKey: null,
    written: 0,
    records: 0,
    pages: 0,
    bodiesMissing: 0,
    home: null,
  };
}

const pad = (n: number) => String(n).padStart(5, "0");

/** Where an export's objects live in R2: the archive, and its working files (deleted when it is done). */
export const exportKeys = {
  prefix: (id: string) => `exports/${id}/`,
  work: (id: string) => `exports/${id}/work/`,
  slice: (id: string, n: number) => `exports/${id}/work/slice-${pad(n)}.json`,
  cdxj: (id: string, n: number) => `exports/${id}/work/cdxj-${pad(n)}`,
  pages: (id: string, n: number) => `exports/${id}/work/pages-${pad(n)}`,
  carry: (id: string, n: number) => `exports/${id}/work/carry-${pad(n)}`,
  warc: (n: number) => `data-${pad(n)}.warc.gz`,
  evidence: (n: number) => `evidence/records-${pad(n)}.jsonl`,
};
