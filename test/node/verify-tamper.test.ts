import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkpointBody,
  generateSignerKey,
  parseCheckpoint,
  parseSignerKey,
  signNote,
} from "../../worker/src/evidence/checkpoint.ts";
import type { VerifyOptions } from "../../scripts/lib/verify/verify-export.ts";
import { buildExport, type BuiltExport, packExport } from "./lib/build-export.ts";
import { ScratchVerifier } from "./lib/scratch-verify.ts";
import { flipByte, withFile } from "./lib/tamper.ts";

/**
 * The offline verifier (issue 9 "Must show"): an untouched export verifies, pinned or not; one byte flipped
 * anywhere in any file of the zip fails and names the file; a log signed by another key is only
 * self-consistent, which the report says, and fails once the real log key is pinned. Changes packed and
 * re-signed, which the file digests cannot catch, are in verify-tamper-resigned.test.ts.
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

describe("verifyExport on an untouched export", () => {
  it.each([
    ["with both keys pinned", true, 0],
    ["with the keys the export carries", false, 2],
  ])("verifies %s", async (_, pin, warnings) => {
    const report = await verify(built.wacz, pin ? pinned() : {});
    expect(report.failure).toBeNull();
    expect(report.ok).toBe(true);
    expect(report.steps.every((s) => s.status === "passed")).toBe(true);
    expect(report.warnings).toHaveLength(warnings);
  });

  it.each([
    ["one slice of the default size", { exchanges: 9 }],
    ["no exchanges at all", { exchanges: 0 }],
    ["three slices", { exchanges: 20, sliceSize: 7 }],
  ])("verifies an export of %s", async (_, options) => {
    const other = await buildExport(options);
    const report = await verify(other.wacz, {
      logKey: other.logVerifierKey,
      exportKey: other.exportPublicKey,
    });
    expect(report.failure).toBeNull();
    expect(report.steps.find((s) => s.step === "evidence")?.facts).toContainEqual([
      "records",
      String(options.exchanges),
    ]);
  });
});

describe("verifyExport on an export that cannot show everything", () => {
  it("fails when a body was missing from storage at export, and says so", async () => {
    const other = await buildExport({ bodyMissingAt: 3 });
    const report = await verify(other.wacz, {
      logKey: other.logVerifierKey,
      exportKey: other.exportPublicKey,
    });
    expect(report.failure?.step).toBe("evidence");
    expect(report.failure?.where.exchange).toBe(other.exchanges[3]?.row.id);
    expect(report.failure?.message).toBe(
      `response body sha256:${other.exchanges[3]?.row.response_body_digest ?? ""} is not in the export: it was missing from storage when the export was made (WARC response record 9 says so in WARC-Verbatim-Body-Note)`,
    );
  });
});

describe("verifyExport with one byte of a file flipped in the zip", () => {
  const listed = () => [...built.entries.keys()].filter((name) => !name.startsWith("datapackage"));
  it("covers every file the export lists", () => {
    expect(listed()).toHaveLength(11 - 2);
  });
  it.each([
    "archive/data-00001.warc.gz",
    "archive/data-00002.warc.gz",
    "evidence/records-00001.jsonl",
    "evidence/records-00002.jsonl",
    "indexes/index.cdxj",
    "pages/pages.jsonl",
    "evidence/checkpoint.txt",
    "evidence/log-key.txt",
    "evidence/export.json",
  ])("fails on %s, naming it and its SHA-256", async (name) => {
    const entry = built.entries.get(name);
    if (!entry) throw new Error(`no ${name}`);
    const report = await verify(flipByte(built.wacz, entry.dataOffset + Math.floor(entry.size / 2)));
    expect(report.failure?.step).toBe("datapackage");
    expect(report.failure?.where.file).toBe(name);
    expect(report.failure?.message).toMatch(/^SHA-256 is [0-9a-f]{64}, datapackage.json says [0-9a-f]{64}$/);
  });
  it("fails on datapackage.json at its signed hash", async () => {
    const entry = built.entries.get("datapackage.json");
    if (!entry) throw new Error("no datapackage.json");
    const report = await verify(flipByte(built.wacz, entry.dataOffset + Math.floor(entry.size / 2)));
    expect(report.failure?.step).toBe("signature");
    expect(report.failure?.message).toMatch(/is not datapackage.json's sha256:/);
  });
  it("fails on the signature in datapackage-digest.json", async () => {
    const entry = built.entries.get("datapackage-digest.json");
    if (!entry) throw new Error("no datapackage-digest.json");
    const text = new TextDecoder().decode(
      built.wacz.subarray(entry.dataOffset, entry.dataOffset + entry.size),
    );
    const signatureAt = text.indexOf('"signature": "') + '"signature": "'.length + 10;
    const copy = built.wacz.slice();
    const offset = entry.dataOffset + signatureAt;
    copy[offset] = (copy[offset] ?? 0) === 0x41 ? 0x42 : 0x41; // another base64 letter
    const report = await verify(copy);
    expect(report.failure?.step).toBe("signature");
    expect(report.failure?.message).toBe("the signature does not verify with signedData.publicKey");
  });
});

describe("verifyExport against a forged log", () => {
  async function forged(): Promise<Uint8Array> {
    // The same tree head, signed by a key of the forger's own, which the export then names.
    const forger = await generateSignerKey("verbatim/verbatim.localhost/log");
    const head = parseCheckpoint(built.checkpointNote.slice(0, built.checkpointNote.indexOf("\n\n") + 1));
    const note = await signNote(checkpointBody(head), await parseSignerKey(forger.signerKey));
    let files = withFile(built.files, "evidence/checkpoint.txt", () => new TextEncoder().encode(note));
    files = withFile(files, "evidence/log-key.txt", () =>
      new TextEncoder().encode(`${forger.verifierKey}\n`),
    );
    return (await packExport(files, built.exportSigner)).wacz;
  }
  it("is only self-consistent without --log-key, and the report says the key was not pinned", async () => {
    const report = await verify(await forged(), { exportKey: built.exportPublicKey });
    expect(report.ok).toBe(true);
    expect(report.warnings.join(" ")).toMatch(/log key the export itself carries/);
  });
  it("fails with the real log key pinned", async () => {
    const report = await verify(await forged(), pinned());
    expect(report.failure?.step).toBe("checkpoint");
    expect(report.failure?.message).toMatch(
      /^signature does not verify with the pinned log key: no signature by key/,
    );
  });
});
