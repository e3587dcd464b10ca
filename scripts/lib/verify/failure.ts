/**
 * The one error the verifier throws when an export fails a check. It carries where the failure is (entry,
 * WARC record number, evidence line, exchange id) as data, so the text report and the JSON report name the
 * same place, and the CLI can tell a failed export (exit 1) from a file it could not read at all (exit 2).
 */
export const VERIFY_STEPS = [
  "zip",
  "signature",
  "datapackage",
  "checkpoint",
  "warc",
  "evidence",
  "cdxj",
  "pages",
  "export",
] as const;
export type VerifyStep = (typeof VERIFY_STEPS)[number];

export type FailureWhere = {
  /** Zip entry, e.g. `archive/data-00001.warc.gz`. */
  file?: string;
  /** 1-based WARC record number in `file` (the warcinfo record is 1). */
  record?: number;
  /** 1-based line number in `file` (evidence lines, CDXJ, pages). */
  line?: number;
  exchange?: string;
};

export class VerifyFailure extends Error {
  override readonly name = "VerifyFailure";
  readonly step: VerifyStep;
  readonly where: FailureWhere;
  constructor(step: VerifyStep, where: FailureWhere, message: string) {
    super(message);
    this.step = step;
    this.where = where;
  }

  /** `archive/data-00001.warc.gz record 12 (exchange …): payload digest …`, as docs/evidence.md §3 shows. */
  get located(): string {
    const { file, record, line, exchange } = this.where;
    const place = [
      file,
      record === undefined ? undefined : `record ${record}`,
      line === undefined ? undefined : `line ${line}`,
    ]
      .filter((part) => part !== undefined)
      .join(" ");
    const who = exchange === undefined ? "" : `${place === "" ? "" : " "}(exchange ${exchange})`;
    return place === "" && who === "" ? this.message : `${place}${who}: ${this.message}`;
  }
}

/** The file cannot be read at all (missing, not a file, I/O error): nothing was verified, exit 2. */
export class UnreadableExport extends Error {
  override readonly name = "UnreadableExport";
}
