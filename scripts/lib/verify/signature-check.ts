import { verifyDatapackageDigest } from "../../../worker/src/export/wacz-signing.ts";
import { hashEntry } from "./entry-hash.ts";
import { VerifyFailure } from "./failure.ts";
import { isObject, parseJson } from "./json-shape.ts";
import { exportKeyFingerprint, normaliseExportKey } from "./key-option.ts";
import { ENTRY } from "./layout.ts";
import type { ZipFile } from "./zip-file.ts";

/**
 * Step 2 of docs/evidence.md §3: `datapackage-digest.json` holds the SHA-256 of `datapackage.json` and an
 * anonymous ECDSA signature over it (webrecorder "WACZ Signing and Verification", checked by the export
 * writer's own verifier, worker/src/export/wacz-signing.ts, as ReplayWeb.page checks it). The signature
 * only says who signed if the key is known beforehand: with `--export-key` it must be that key; without,
 * the key is whatever the file carries, and the report says it is not pinned.
 */
export type SignatureResult = {
  algorithm: string;
  /** Hex SHA-256 of datapackage.json, as signed. */
  hash: string;
  fingerprint: string;
  publicKey: string;
  pinned: boolean;
  created: string | undefined;
  software: string | undefined;
};

export async function checkSignature(zip: ZipFile, pinnedKey: string | undefined): Promise<SignatureResult> {
  const file = ENTRY.datapackageDigest;
  const digestEntry = zip.entry(file);
  const packageEntry = zip.entry(ENTRY.datapackage);
  if (!digestEntry || !packageEntry)
    throw new VerifyFailure("zip", { file }, "or datapackage.json is missing");
  const digestText = new TextDecoder().decode(await zip.read(digestEntry, 1 << 20));
  const packageBytes = await zip.read(packageEntry);
  const verdict = await verifyDatapackageDigest(digestText, packageBytes);
  if (!verdict.ok) throw new VerifyFailure("signature", { file }, verdict.reason);
  // The two files datapackage.json cannot list: their CRC-32 is checked once the signature says what changed.
  for (const entry of [digestEntry, packageEntry]) {
    if ((await hashEntry(zip, entry)).crc32 !== entry.crc32) {
      throw new VerifyFailure(
        "zip",
        { file: entry.name },
        "CRC-32 of its bytes differs from the zip directory's",
      );
    }
  }
  const publicKey = verdict.publicKey ?? "";
  const fingerprint = exportKeyFingerprint(publicKey);
  if (pinnedKey !== undefined) {
    const pinned = exportKeyFingerprint(normaliseExportKey(pinnedKey));
    if (pinned !== fingerprint) {
      throw new VerifyFailure(
        "signature",
        { file },
        `is signed by key sha256:${fingerprint}, not the pinned export key sha256:${pinned}`,
      );
    }
  }
  const digest = parseJson(digestText);
  const signed = isObject(digest) && isObject(digest["signedData"]) ? digest["signedData"] : {};
  const created = typeof signed["created"] === "string" ? signed["created"] : undefined;
  const software = typeof signed["software"] === "string" ? signed["software"] : undefined;
  const pkg = parseJson(new TextDecoder().decode(packageBytes));
  const packageCreated = isObject(pkg) && typeof pkg["created"] === "string" ? pkg["created"] : undefined;
  if (created !== packageCreated) {
    throw new VerifyFailure(
      "signature",
      { file },
      `signedData.created ${created ?? "(none)"} differs from datapackage.json's ${packageCreated ?? "(none)"}`,
    );
  }
  const hash = typeof signed["hash"] === "string" ? signed["hash"].replace(/^sha256:/, "") : "";
  return {
    algorithm: "ECDSA P-384, SHA-256 (WACZ anonymous signature)",
    hash,
    fingerprint,
    publicKey,
    pinned: pinnedKey !== undefined,
    created,
    software,
  };
}
