import { readFile, stat } from "node:fs/promises";
import { sha256Hex } from "./entry-hash.ts";

/**
 * `--log-key` and `--export-key` take the key itself or a file holding it, so an operator can pin a key
 * copied from the API (`GET /__verbatim/api/evidence/keys`) or kept in a file next to the exports.
 */
export async function keyFromOption(value: string): Promise<string> {
  const isFile = await stat(value).then(
    (s) => s.isFile(),
    () => false,
  );
  return (isFile ? await readFile(value, "utf8") : value).trim();
}

/**
 * An export key as the base64 of its SubjectPublicKeyInfo DER (what datapackage-digest.json's
 * `signedData.publicKey` holds); a PEM "PUBLIC KEY" block is accepted too and reduced to that.
 */
export function normaliseExportKey(text: string): string {
  return text.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, "").replace(/\s+/g, "");
}

/** A key's fingerprint for the report: SHA-256 of its DER, so two people can compare it by phone. */
export function exportKeyFingerprint(base64Der: string): string {
  return sha256Hex(Buffer.from(base64Der, "base64"));
}
