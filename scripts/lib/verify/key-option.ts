import { readFile, stat } from "node:fs/promises";
import { parseVerifierKey } from "../../../worker/src/evidence/checkpoint.ts";
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

/**
 * Why a pinned key is unusable, or null when it is usable: a typo in a key is the operator's mistake
 * (exit 2), not a failed export. The log key must parse as a note verifier key, the export key must be a
 * P-384 ECDSA public key (what the WACZ anonymous signature uses).
 */
export async function unusableKey(kind: "log" | "export", key: string): Promise<string | null> {
  try {
    if (kind === "log") await parseVerifierKey(key);
    else {
      const der = Buffer.from(normaliseExportKey(key), "base64");
      await crypto.subtle.importKey("spki", der, { name: "ECDSA", namedCurve: "P-384" }, false, ["verify"]);
    }
    return null;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return kind === "log"
      ? `--log-key is not a log verifier key (<name>+<key id>+<base64>): ${reason}`
      : "--export-key is not a P-384 ECDSA public key (base64 SubjectPublicKeyInfo or PEM)";
  }
}
