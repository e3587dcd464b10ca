import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import {
  checkpointBody,
  generateSignerKey,
  parseSignerKey,
  signNote,
} from "../../../worker/src/evidence/checkpoint.ts";
import { inclusionProof, leafHash, rootOf } from "../../../worker/src/evidence/merkle.ts";
import { datapackageJson } from "../../../worker/src/export/datapackage.ts";
import { pageLine, pagesHeader } from "../../../worker/src/export/pages.ts";
import {
  datapackageDigest,
  exportSignerFromPkcs8,
  generateExportKey,
  type ExportSigner,
} from "../../../worker/src/export/wacz-signing.ts";
import { WarcFileWriter } from "../../../worker/src/export/warc-file.ts";
import { ZipWriter } from "../../../worker/src/export/zip-writer.ts";
import { sha256Hex } from "../../../worker/src/snapshot/record-hash.ts";
import { type FixtureExchange, shopVisit } from "./export-exchanges.ts";

/**
 * A complete, valid export built as docs/evidence.md §2 lays it out, with the export writers of
 * worker/src/export: WARC slices, evidence lines with inclusion proofs against a checkpoint signed by a
 * freshly generated log key, the CDXJ index, pages, export.json, datapackage.json and its ECDSA-signed
 * digest. The log holds other exchanges around the exported ones, as a real day's log does, so the proofs
 * are not trivial. Until the export job lands, this is the export the verifier is tested against.
 *
 * `files` are the entries before packing, so a test can change one and pack again (`packExport`), re-hashed
 * and re-signed as an attacker (own key) or an insider (the real key) would.
 */
export type ExportFile = { name: string; bytes: Uint8Array };

/** The packed zip, and where each entry's bytes lie in it (for flipping one of them). */
export type PackedExport = {
  wacz: Uint8Array;
  entries: ReadonlyMap<string, { dataOffset: number; size: number }>;
};

export type BuiltExport = PackedExport & {
  files: ExportFile[];
  exchanges: FixtureExchange[];
  /** Per exchange: its slice's WARC name and the offsets of its request and response members. */
  placement: Array<{ warc: string; requestOffset: number; responseOffset: number; responseLength: number }>;
  logVerifierKey: string;
  logSignerKey: string;
  exportSigner: ExportSigner;
  exportPublicKey: string;
  created: string;
  /** All leaf hashes of the log at the checkpoint (exported and not), for consistency proofs. */
  leafHashes: Uint8Array[];
  checkpointNote: string;
};

export type BuildOptions = {
  exchanges?: number;
  sliceSize?: number;
  /** Index of an exchange whose response body was not in storage when the export was made. */
  bodyMissingAt?: number;
};

export const LOG_ORIGIN = "verbatim/verbatim.localhost/log";
const CREATED = "2025-03-15T02:00:04.512Z";
/** When the log signed the checkpoint the export carries (the export job asks for one before it starts). */
const CHECKPOINT_TIME = "2025-03-15T02:00:00.093Z";
const SOFTWARE = "Verbatim 0.1.0 (test fixture)";

export async function buildExport(options: BuildOptions = {}): Promise<BuiltExport> {
  const exchanges = await shopVisit(options.exchanges);
  const sliceSize = options.sliceSize ?? 2000;

  // The log: two other records first, then each exported record followed by one that is not exported.
  const leafHashes: Uint8Array[] = [];
  const other = async (n: number) =>
    leafHashes.push(await leafHash(hexToBytes(await sha256Hex(`other ${n}`))));
  const leafOf = new Map<string, number>();
  await other(0);
  await other(1);
  for (const [i, { row }] of exchanges.entries()) {
    leafOf.set(row.id, leafHashes.length);
    leafHashes.push(await leafHash(hexToBytes(row.record_hash)));
    await other(i + 2);
  }
  const root = await rootOf(leafHashes);
  const log = await generateSignerKey(LOG_ORIGIN);
  const body = checkpointBody({
    origin: LOG_ORIGIN,
    size: leafHashes.length,
    rootHash: root,
    extensions: [`audit 118 ${await sha256Hex("audit head")}`],
  });
  const checkpointNote = await signNote(body, await parseSignerKey(log.signerKey));

  const files: ExportFile[] = [];
  const evidenceFiles: ExportFile[] = [];
  const cdxj: string[] = [];
  const placement: BuiltExport["placement"] = [];
  const slices: FixtureExchange[][] = [];
  for (let i = 0; i < exchanges.length; i += sliceSize) slices.push(exchanges.slice(i, i + sliceSize));
  if (slices.length === 0) slices.push([]);
  for (const [s, slice] of slices.entries()) {
    const number = String(s + 1).padStart(5, "0");
    const name = `archive/data-${number}.warc.gz`;
    const writer = new WarcFileWriter(`data-${number}.warc.gz`);
    const info = { software: SOFTWARE, "verbatim-export": "day 2025-03-14" };
    const parts = [await writer.warcinfo(info, Date.parse(CREATED))];
    const lines: string[] = [];
    for (const exchange of slice) {
      const requestOffset = writer.size;
      const missing = exchanges.indexOf(exchange) === options.bodyMissingAt;
      const out = await writer.exchange(missing ? { ...exchange, responseBody: null } : exchange);
      parts.push(out.bytes);
      cdxj.push(...out.cdxj);
      placement.push({
        warc: name,
        requestOffset,
        responseOffset: out.responseOffset,
        responseLength: out.responseLength,
      });
      const leaf = leafOf.get(exchange.row.id) ?? -1;
      const proof = (await inclusionProof(leafHashes, leaf)).map(bytesToHex);
      const { row } = exchange;
      lines.push(
        JSON.stringify({
          id: row.id,
          warc: name,
          offset: out.responseOffset,
          length: out.responseLength,
          record: row,
          leaf,
          proof,
        }),
      );
    }
    files.push({ name, bytes: concat(parts) });
    const evidence = utf8ToBytes(lines.map((l) => `${l}\n`).join(""));
    evidenceFiles.push({ name: `evidence/records-${number}.jsonl`, bytes: evidence });
  }
  const pages = [
    pagesHeader("shop.example, 14 March 2025"),
    ...exchanges.map(({ row }) => pageLine(row)).filter((l) => l !== null),
  ];
  const manifest = {
    scope: { kind: "day", day: "2025-03-14", timezone: "UTC" },
    filter: null,
    created: CREATED,
    software: SOFTWARE,
    record_count: exchanges.length,
    page_count: pages.length - 1,
    warc_files: files.length,
    tree_size: leafHashes.length,
    checkpoint_time: CHECKPOINT_TIME,
  };
  files.push(
    ...evidenceFiles,
    {
      name: "indexes/index.cdxj",
      bytes: utf8ToBytes(
        cdxj
          .sort()
          .map((l) => `${l}\n`)
          .join(""),
      ),
    },
    { name: "pages/pages.jsonl", bytes: utf8ToBytes(pages.map((l) => `${l}\n`).join("")) },
    { name: "evidence/checkpoint.txt", bytes: utf8ToBytes(checkpointNote) },
    { name: "evidence/log-key.txt", bytes: utf8ToBytes(`${log.verifierKey}\n`) },
    { name: "evidence/export.json", bytes: utf8ToBytes(JSON.stringify(manifest, null, 2)) },
  );
  const key = await generateExportKey();
  const exportSigner = await exportSignerFromPkcs8(key.pkcs8);
  return {
    ...(await packExport(files, exportSigner)),
    files,
    exchanges,
    placement,
    logVerifierKey: log.verifierKey,
    logSignerKey: log.signerKey,
    exportSigner,
    exportPublicKey: key.publicKey,
    created: CREATED,
    leafHashes,
    checkpointNote,
  };
}

/** Zips `files` in order, then datapackage.json over them and its digest signed by `signer`. */
export async function packExport(files: readonly ExportFile[], signer: ExportSigner): Promise<PackedExport> {
  const zip = new ZipWriter();
  const parts: Uint8Array[] = [];
  const entries = new Map<string, { dataOffset: number; size: number }>();
  let at = 0;
  const add = (name: string, bytes: Uint8Array) => {
    const header = zip.open(name);
    entries.set(name, { dataOffset: at + header.length, size: bytes.length });
    parts.push(header, zip.write(bytes), zip.close());
    at = zip.state().offset;
  };
  for (const file of files) add(file.name, file.bytes);
  const datapackage = datapackageJson(zip.state().entries, {
    title: "shop.example, 14 March 2025",
    created: CREATED,
    software: SOFTWARE,
    home: { url: "https://shop.example/", ts: "2025-03-14T09:30:00.017Z" },
  });
  add("datapackage.json", utf8ToBytes(datapackage));
  add("datapackage-digest.json", utf8ToBytes(await datapackageDigest(datapackage, signer, CREATED)));
  parts.push(zip.finish());
  return { wacz: concat(parts), entries };
}

/** A fresh signer, as an attacker who re-signs a changed export with a key of their own would have. */
export async function attackerSigner(): Promise<ExportSigner> {
  return exportSignerFromPkcs8((await generateExportKey()).pkcs8);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
