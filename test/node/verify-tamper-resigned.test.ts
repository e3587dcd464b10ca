import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordHash } from "../../worker/src/snapshot/record-hash.ts";
import type { VerifyStep } from "../../scripts/lib/verify/failure.ts";
import type { VerifyOptions } from "../../scripts/lib/verify/verify-export.ts";
import {
  attackerSigner,
  buildExport,
  type BuiltExport,
  type ExportFile,
  packExport,
} from "./lib/build-export.ts";
import { ScratchVerifier } from "./lib/scratch-verify.ts";
import {
  editLine,
  editMember,
  fileOf,
  flipByte,
  replaceText,
  rewriteBlock,
  splice,
  withFile,
} from "./lib/tamper.ts";

/**
 * Tamper tests of the offline verifier (issue 9 "Must show") against an attacker who packs the changed
 * export again, with datapackage.json re-hashed and re-signed by their own key (or, where the row says so,
 * the real one, as an insider could): the file digests then pass, and each change must be caught by a
 * deeper check that names what changed: a WARC payload or header, an evidence record, a proof, the tree
 * head, the index, the pages, a dropped or reordered record, a record dropped everywhere at once.
 */
let scratch: ScratchVerifier;
let built: BuiltExport;

beforeAll(async () => {
  scratch = await ScratchVerifier.create();
  built = await buildExport({ sliceSize: 5 });
});
afterAll(() => scratch.remove());

const verify = (wacz: Uint8Array, options: VerifyOptions = {}) => scratch.verify(wacz, options);
const pinned = (): VerifyOptions => ({ logKey: built.logVerifierKey, exportKey: built.exportPublicKey });
const SLICE_1 = "archive/data-00001.warc.gz";
const EVIDENCE_1 = "evidence/records-00001.jsonl";
/** Exchange `i`'s placement (0-based; exchanges 0-4 are slice 1, 5-8 slice 2 of the fixture). */
const at = (i: number) => {
  const place = built.placement[i];
  if (!place) throw new Error(`no exchange ${i}`);
  return place;
};
const idOf = (i: number) => built.exchanges[i]?.row.id ?? "";

type Tamper = {
  what: string;
  edit: (files: readonly ExportFile[]) => Promise<ExportFile[]> | ExportFile[];
  signer?: "attacker" | "real";
  pin?: boolean;
  step: VerifyStep;
  says: RegExp;
  exchange?: number;
};

const member = (
  files: readonly ExportFile[],
  i: number,
  which: "response",
  edit: (r: Uint8Array) => Uint8Array,
) =>
  withFile(files, at(i).warc, (warc) =>
    editMember(warc, at(i)[`${which}Offset`], at(i).responseLength, edit),
  );
const dropResponse = (files: readonly ExportFile[], i: number) =>
  withFile(files, at(i).warc, (warc) =>
    splice(warc, at(i).responseOffset, at(i).responseLength, new Uint8Array()),
  );

const TAMPERS: Tamper[] = [
  {
    what: "one byte of a WARC payload (the PNG)",
    edit: (f) => member(f, 4, "response", (r) => flipByte(r, r.length - 40)),
    step: "warc",
    says: /^payload digest: WARC-Payload-Digest says [0-9a-f]{64}, the payload hashes to [0-9a-f]{64}$/,
    exchange: 4,
  },
  {
    what: "one byte of an HTTP header in a WARC record",
    edit: (f) => member(f, 2, "response", (r) => replaceText(r, "private", "qrivate")),
    step: "warc",
    says: /^block digest: .* \(the payload matches: the HTTP head changed\)$/,
    exchange: 2,
  },
  {
    what: "an HTTP header in a WARC record, block digest recomputed",
    edit: (f) =>
      member(f, 2, "response", (r) => rewriteBlock(r, (b) => replaceText(b, "private", "public!"))),
    step: "evidence",
    says: /^response headers \(WARC response record 7\): header 2: the evidence record has "cache-control: private, max-age=60", the WARC has "cache-control: public!, max-age=60"$/,
    exchange: 2,
  },
  {
    what: "one byte of a WARC header (WARC-Target-URI)",
    edit: (f) =>
      member(f, 2, "response", (r) => replaceText(r, "/api/products", "/api/producta", "WARC-Target-URI")),
    step: "evidence",
    says: /^URL: the evidence record says "https:\/\/shop.example\/api\/products\?sort=price&page=2", WARC response record 7 says "https:\/\/shop.example\/api\/producta/,
    exchange: 2,
  },
  {
    what: "one byte of an evidence record's field",
    edit: (f) =>
      withFile(f, EVIDENCE_1, (b) => editLine(b, 1, (l) => l.replace('"status":200', '"status":201'))),
    step: "evidence",
    says: /^record hash: the record's fields hash to [0-9a-f]{64}, its record_hash says [0-9a-f]{64} \(a field of the record was changed\)$/,
    exchange: 1,
  },
  {
    what: "an evidence record's field with record_hash recomputed",
    edit: async (f) => {
      const line = JSON.parse(new TextDecoder().decode(fileOf(f, EVIDENCE_1)).split("\n")[1] ?? "") as {
        record: Record<string, unknown>;
      };
      const record: Record<string, unknown> = { ...line.record, status: 201 };
      delete record["record_hash"];
      const forged = { ...record, record_hash: await recordHash(record) };
      return withFile(f, EVIDENCE_1, (b) =>
        editLine(b, 1, () => JSON.stringify({ ...line, record: forged })),
      );
    },
    step: "evidence",
    says: /^inclusion proof: record_hash [0-9a-f]{64} as leaf 4 does not lead to the checkpoint's root \(tree size 20\)$/,
    exchange: 1,
  },
  {
    what: "one hex digit of an inclusion proof",
    edit: (f) =>
      withFile(f, EVIDENCE_1, (b) =>
        editLine(b, 2, (l) =>
          l.replace(/"proof":\["(.)/, (_, c: string) => `"proof":["${c === "0" ? "1" : "0"}`),
        ),
      ),
    step: "evidence",
    says: /^inclusion proof: .* as leaf 6 does not lead to the checkpoint's root/,
    exchange: 2,
  },
  {
    what: "an evidence line's proof replaced by the job's 'unproven'",
    edit: (f) =>
      withFile(f, EVIDENCE_1, (b) =>
        editLine(b, 3, (l) =>
          l.replace(/"leaf":\d+,"proof":\[[^\]]*\]/, '"leaf":null,"proof":null,"unproven":"not in the log"'),
        ),
      ),
    step: "evidence",
    says: /^record is not proven: the log had no leaf for it at the checkpoint \(not in the log\)$/,
    exchange: 3,
  },
  {
    what: "one character of checkpoint.txt's root hash",
    edit: (f) =>
      withFile(f, "evidence/checkpoint.txt", (b) => {
        const lines = new TextDecoder().decode(b).split("\n");
        const root = lines[2] ?? "";
        lines[2] = `${root[0] === "A" ? "B" : "A"}${root.slice(1)}`;
        return new TextEncoder().encode(lines.join("\n"));
      }),
    step: "checkpoint",
    says: /^signature does not verify with the export's log key: invalid signature for key verbatim\/verbatim.localhost\/log\+[0-9a-f]{8}$/,
  },
  {
    what: "the record count in export.json",
    edit: (f) =>
      withFile(f, "evidence/export.json", (b) => replaceText(b, '"record_count": 9', '"record_count": 8')),
    step: "export",
    says: /^says 8 records, the evidence lines hold 9 \(records were added\)$/,
  },
  {
    what: "one byte of index.cdxj",
    edit: (f) =>
      withFile(f, "indexes/index.cdxj", (b) =>
        replaceText(b, '"url":"https://shop.example/', '"url":"https://shop.exbmple/'),
      ),
    step: "cdxj",
    says: /^names https:\/\/shop.exbmple\/.*, but data-0000\d.warc.gz record \d+ is of https:\/\/shop.example\//,
  },
  {
    what: "one byte of pages.jsonl",
    edit: (f) => withFile(f, "pages/pages.jsonl", (b) => replaceText(b, "/checkout", "/checkoup")),
    step: "pages",
    says: /^page URL is https:\/\/shop.example\/checkoup, the evidence record's is https:\/\/shop.example\/checkout$/,
    exchange: 6,
  },
  {
    what: "a WARC response record dropped (re-signed by an attacker)",
    edit: (f) => dropResponse(f, 2),
    step: "warc",
    says: /^request record has no response or revisit record$/,
    exchange: 2,
  },
  {
    what: "a WARC response record dropped (re-signed by an attacker, export key pinned)",
    edit: (f) => dropResponse(f, 2),
    pin: true,
    step: "signature",
    says: /^is signed by key sha256:[0-9a-f]{64}, not the pinned export key sha256:[0-9a-f]{64}$/,
  },
  {
    what: "a WARC response record dropped (re-signed with the real key)",
    edit: (f) => dropResponse(f, 2),
    signer: "real",
    pin: true,
    step: "warc",
    says: /^request record has no response or revisit record$/,
    exchange: 2,
  },
  {
    what: "two exchanges' records swapped in the WARC",
    edit: (f) =>
      withFile(f, SLICE_1, (warc) => {
        const [one, two] = [at(1), at(2)];
        const first = warc.subarray(one.requestOffset, two.requestOffset);
        const second = warc.subarray(two.requestOffset, two.responseOffset + two.responseLength);
        const swapped = new Uint8Array([...second, ...first]);
        return splice(warc, one.requestOffset, swapped.length, swapped);
      }),
    step: "evidence",
    says: /^order: evidence line 2 is this exchange, but exchange 2 of archive\/data-00001.warc.gz is .*; this one is its record 7$/,
    exchange: 1,
  },
  {
    what: "an exchange dropped from the WARC, evidence lines and index alike (re-signed with the real key)",
    edit: (f) => {
      const last = at(4);
      let files = withFile(f, SLICE_1, (warc) => warc.subarray(0, last.requestOffset));
      files = withFile(files, EVIDENCE_1, (b) => editLine(b, 4, () => null));
      return withFile(files, "indexes/index.cdxj", (b) => {
        const lines = new TextDecoder().decode(b).split("\n");
        return new TextEncoder().encode(lines.filter((l) => !l.includes("/img/banner.png")).join("\n"));
      });
    },
    signer: "real",
    pin: true,
    step: "export",
    says: /^says 9 records, the evidence lines hold 8 \(records were removed\)$/,
  },
];

describe("verifyExport on a changed export, packed and signed again", () => {
  it.each(TAMPERS.map((t) => [t.what, t] as const))("fails on %s, naming it", async (_, tamper) => {
    const signer = tamper.signer === "real" ? built.exportSigner : await attackerSigner();
    const { wacz } = await packExport(await tamper.edit(built.files), signer);
    const report = await verify(wacz, tamper.pin ? pinned() : {});
    expect(report.ok).toBe(false);
    expect({ step: report.failure?.step, message: report.failure?.message }).toEqual({
      step: tamper.step,
      message: expect.stringMatching(tamper.says),
    });
    if (tamper.exchange !== undefined) expect(report.failure?.where.exchange).toBe(idOf(tamper.exchange));
    expect(report.steps.find((s) => s.step === tamper.step)?.status).toBe("failed");
  });
});
