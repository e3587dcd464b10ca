import { hmac } from "@noble/hashes/hmac.js";
import { sha256, sha384 } from "@noble/hashes/sha2.js";
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { base64ToBytes, BASE64, bytesToBase64 } from "../evidence/note-text.ts";

/**
 * datapackage-digest.json with an anonymous signature (webrecorder "WACZ Signing and Verification" 0.1.0),
 * made the way ArchiveWeb.page makes it and ReplayWeb.page (wabac.js certutils.ts) checks it:
 * - the key is ECDSA on P-384: wabac imports an anonymous `publicKey` as P-384 and nothing else;
 * - `publicKey` is the base64 SubjectPublicKeyInfo (DER);
 * - what is signed is the UTF-8 text of `signedData.hash` ("sha256:<hex of datapackage.json>"), with
 *   ECDSA over SHA-256, the signature in IEEE P1363 form (r || s, 96 bytes) as WebCrypto makes and checks it.
 * `signedData.created` equals datapackage.json's `created` (py-wacz compares the two).
 */
export type ExportSigner = { privateKey: CryptoKey; publicKey: string /* base64 SPKI */ };

export type DigestVerification = { ok: boolean; reason: string; publicKey: string | null };

const CURVE = { name: "ECDSA", namedCurve: "P-384" } as const;
const SIGN = { name: "ECDSA", hash: "SHA-256" } as const;
const SIGNATURE_BYTES = 96;
/** The order of P-384's base point (SEC 2 §2.5.1, FIPS 186-5): a private scalar lies in [1, n - 1]. */
const P384_ORDER = BigInt(
  "0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
);
/** PKCS#8 (RFC 5208) around an ECPrivateKey (RFC 5915) for P-384 with no public key: the 48-byte scalar follows. */
const PKCS8_P384_PREFIX = hexToBytes("304e020100301006072a8648ce3d020106052b81040022043730350201010430");

export async function datapackageDigest(
  datapackageJson: string,
  signer: ExportSigner,
  created: string,
): Promise<string> {
  const hash = `sha256:${bytesToHex(sha256(utf8ToBytes(datapackageJson)))}`;
  const signature = new Uint8Array(await crypto.subtle.sign(SIGN, signer.privateKey, utf8ToBytes(hash)));
  const software = softwareOf(datapackageJson);
  const signedData = {
    hash,
    created,
    software,
    signature: bytesToBase64(signature),
    publicKey: signer.publicKey,
  };
  return JSON.stringify({ path: "datapackage.json", hash, signedData }, null, 2);
}

/** Checks datapackage-digest.json against datapackage.json's bytes. The key is reported, not trusted: pin it. */
export async function verifyDatapackageDigest(
  digestJson: string,
  datapackageBytes: Uint8Array,
): Promise<DigestVerification> {
  const fail = (reason: string, publicKey: string | null = null): DigestVerification => ({
    ok: false,
    reason,
    publicKey,
  });
  let digest: unknown;
  try {
    digest = JSON.parse(digestJson);
  } catch {
    return fail("datapackage-digest.json is not JSON");
  }
  if (!isRecord(digest)) return fail("datapackage-digest.json is not an object");
  if (digest["path"] !== "datapackage.json")
    return fail(`path is ${JSON.stringify(digest["path"])}, not "datapackage.json"`);
  const actual = `sha256:${bytesToHex(sha256(datapackageBytes))}`;
  if (digest["hash"] !== actual)
    return fail(`hash ${String(digest["hash"])} is not datapackage.json's ${actual}`);
  const signed = digest["signedData"];
  if (!isRecord(signed)) return fail("no signedData: the package is not signed");
  const publicKey = typeof signed["publicKey"] === "string" ? signed["publicKey"] : null;
  if (publicKey === null || !BASE64.test(publicKey))
    return fail("signedData.publicKey is not base64 (only anonymous signatures are supported)");
  if (signed["hash"] !== actual)
    return fail(`signedData.hash ${String(signed["hash"])} is not datapackage.json's ${actual}`, publicKey);
  const signature =
    typeof signed["signature"] === "string" && BASE64.test(signed["signature"])
      ? base64ToBytes(signed["signature"])
      : null;
  if (signature === null || signature.length !== SIGNATURE_BYTES)
    return fail(
      `signedData.signature is not a ${SIGNATURE_BYTES}-byte P-384 signature (IEEE P1363)`,
      publicKey,
    );
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey("spki", base64ToBytes(publicKey), CURVE, false, ["verify"]);
  } catch {
    return fail("signedData.publicKey is not a P-384 ECDSA public key (SPKI)", publicKey);
  }
  const valid = await crypto.subtle.verify(SIGN, key, signature, utf8ToBytes(actual));
  return valid
    ? { ok: true, reason: "signature verified", publicKey }
    : fail("the signature does not verify with signedData.publicKey", publicKey);
}

/** EXPORT_SIGNING_KEY: a P-384 private key, PKCS#8 DER in base64 (`npm run keys`). */
export async function exportSignerFromPkcs8(base64: string): Promise<ExportSigner> {
  const text = base64.trim();
  if (!BASE64.test(text)) throw new Error("EXPORT_SIGNING_KEY is not base64 PKCS#8");
  return signerOf(base64ToBytes(text));
}

/**
 * The local-dev key, derived from VERBATIM_SECRET so exports verify across restarts with zero setup. The
 * scalar is HMAC-SHA-384 of the secret, retried with a counter in the ~2^-190 case it is 0 or not below n;
 * it is imported as PKCS#8 without a public key, which WebCrypto computes (Node and workerd both do).
 */
export async function devExportSigner(secret: string): Promise<ExportSigner> {
  for (let counter = 0; ; counter++) {
    const scalar = hmac(
      sha384,
      utf8ToBytes(secret),
      utf8ToBytes(`verbatim dev export signing key ${counter}`),
    );
    const d = BigInt(`0x${bytesToHex(scalar)}`);
    if (d > 0n && d < P384_ORDER) return signerOf(concatBytes(PKCS8_P384_PREFIX, scalar));
  }
}

export async function generateExportKey(): Promise<{ pkcs8: string; publicKey: string }> {
  const pair = await crypto.subtle.generateKey(CURVE, true, ["sign", "verify"]);
  if (!("privateKey" in pair)) throw new Error("ECDSA key generation gave no key pair");
  const pkcs8 = new Uint8Array((await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer);
  const spki = new Uint8Array((await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer);
  return { pkcs8: bytesToBase64(pkcs8), publicKey: bytesToBase64(spki) };
}

/** Imports the private key, and finds its public key through JWK (x, y), the one export both runtimes give. */
async function signerOf(pkcs8: Uint8Array): Promise<ExportSigner> {
  let extractable: CryptoKey;
  try {
    extractable = await crypto.subtle.importKey("pkcs8", pkcs8, CURVE, true, ["sign"]);
  } catch {
    throw new Error("the export signing key is not a P-384 ECDSA private key (PKCS#8)");
  }
  const jwk = (await crypto.subtle.exportKey("jwk", extractable)) as JsonWebKey;
  const { x, y } = jwk;
  if (!x || !y) throw new Error("the export signing key's public point could not be read");
  const publicJwk: JsonWebKey = { kty: "EC", crv: "P-384", x, y, ext: true };
  const publicKey = await crypto.subtle.importKey("jwk", publicJwk, CURVE, true, ["verify"]);
  const spki = new Uint8Array((await crypto.subtle.exportKey("spki", publicKey)) as ArrayBuffer);
  // The signing key itself is not extractable: the extractable copy lives only in this function.
  const privateKey = await crypto.subtle.importKey("pkcs8", pkcs8, CURVE, false, ["sign"]);
  return { privateKey, publicKey: bytesToBase64(spki) };
}

function softwareOf(datapackageJson: string): string {
  try {
    const pkg: unknown = JSON.parse(datapackageJson);
    if (isRecord(pkg) && typeof pkg["software"] === "string") return pkg["software"];
  } catch {
    // Not JSON: the digest still covers its bytes; the software is simply unnamed.
  }
  return "Verbatim";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
