import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import {
  base64ToBytes,
  BASE64,
  bytesEqual,
  bytesToBase64,
  CheckpointError,
  FORBIDDEN_CONTROL,
  LONE_SURROGATE,
  WHITESPACE,
} from "./note-text.ts";

/**
 * Note keys in the text encodings golang.org/x/mod/sumdb/note prints (`note.GenerateKey`), so a key made here
 * can be used with Go's tools and the other way round. Only Ed25519 (algorithm byte 0x01) is supported.
 */
export type Signer = { name: string; keyId: Uint8Array; privateKey: CryptoKey; publicKey: Uint8Array };
export type Verifier = { name: string; keyId: Uint8Array; publicKey: CryptoKey };

export const ED25519 = { name: "Ed25519" } as const;
/** The algorithm byte in front of every note key (signed-note "Ed25519" signature type). */
const ALG_ED25519 = 0x01;
/** RFC 8410 PrivateKeyInfo for an Ed25519 seed, up to the seed itself: WebCrypto imports raw seeds only as PKCS#8. */
const PKCS8_ED25519_PREFIX = hexToBytes("302e020100300506032b657004220420");

/** A key name is non-empty, has no white space and no `+` (the separator of the key encodings). */
export function isValidName(name: string): boolean {
  return (
    name !== "" &&
    !WHITESPACE.test(name) &&
    !name.includes("+") &&
    !FORBIDDEN_CONTROL.test(name) &&
    !LONE_SURROGATE.test(name)
  );
}

/** First 4 bytes of SHA-256(name || "\n" || 0x01 || public key) (signed-note "Signatures"). */
export async function keyIdOf(name: string, publicKey: Uint8Array): Promise<Uint8Array> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    concatBytes(utf8ToBytes(`${name}\n`), new Uint8Array([ALG_ED25519]), publicKey),
  );
  return new Uint8Array(digest, 0, 4);
}

/** A fresh key pair as note's text encodings: the signer key is a secret, the verifier key is published. */
export async function generateSignerKey(name: string): Promise<{ signerKey: string; verifierKey: string }> {
  checkName(name);
  const pair = (await crypto.subtle.generateKey(ED25519, true, ["sign", "verify"])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array((await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer);
  const seed = pkcs8.subarray(PKCS8_ED25519_PREFIX.length);
  const publicKey = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  const keyId = bytesToHex(await keyIdOf(name, publicKey));
  return {
    signerKey: `PRIVATE+KEY+${name}+${keyId}+${bytesToBase64(concatBytes(new Uint8Array([ALG_ED25519]), seed))}`,
    verifierKey: `${name}+${keyId}+${bytesToBase64(concatBytes(new Uint8Array([ALG_ED25519]), publicKey))}`,
  };
}

/**
 * The signer key of a 32-byte Ed25519 seed (RFC 8032 private key). Local dev derives its seed from
 * VERBATIM_SECRET, so the log's key survives restarts without a secret of its own.
 */
export async function signerKeyFromSeed(name: string, seed: Uint8Array): Promise<string> {
  checkName(name);
  if (seed.length !== 32) throw new CheckpointError("malformed-key", "an Ed25519 seed is 32 bytes");
  const { publicKey } = await importSeed(seed);
  const keyId = bytesToHex(await keyIdOf(name, publicKey));
  return `PRIVATE+KEY+${name}+${keyId}+${bytesToBase64(concatBytes(new Uint8Array([ALG_ED25519]), seed))}`;
}

/** An Ed25519 seed as a signing key, with the public key WebCrypto derives on import. */
async function importSeed(seed: Uint8Array): Promise<{ privateKey: CryptoKey; publicKey: Uint8Array }> {
  const privateKey = await crypto.subtle.importKey(
    "pkcs8",
    concatBytes(PKCS8_ED25519_PREFIX, seed),
    ED25519,
    true,
    ["sign"],
  );
  // JWK export is the portable way to read the derived public key back.
  const jwk = (await crypto.subtle.exportKey("jwk", privateKey)) as JsonWebKey;
  if (jwk.x === undefined)
    throw new CheckpointError("malformed-key", "could not derive the public key from the signer key");
  return { privateKey, publicKey: base64ToBytes(jwk.x.replace(/-/g, "+").replace(/_/g, "/") + "=") };
}

/** The verifier key (published) of a signer. */
export function verifierKeyOf(signer: Signer): string {
  return `${signer.name}+${bytesToHex(signer.keyId)}+${bytesToBase64(concatBytes(new Uint8Array([ALG_ED25519]), signer.publicKey))}`;
}

/** Reads `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>`; the key id must match the derived public key. */
export async function parseSignerKey(signerKey: string): Promise<Signer> {
  const parts = signerKey.split("+");
  if (parts.length < 5 || parts[0] !== "PRIVATE" || parts[1] !== "KEY") {
    throw new CheckpointError("malformed-key", "signer key must read PRIVATE+KEY+<name>+<key id>+<key>");
  }
  const { name, keyId, key } = readKeyFields(parts.slice(2));
  const { privateKey, publicKey } = await importSeed(key.subarray(1));
  if (!bytesEqual(await keyIdOf(name, publicKey), keyId)) {
    throw new CheckpointError("malformed-key", `signer key id ${bytesToHex(keyId)} does not match its key`);
  }
  return { name, keyId, privateKey, publicKey };
}

/** Reads `<name>+<hex key id>+<base64(0x01 || public key)>`; the key id must match the key. */
export async function parseVerifierKey(verifierKey: string): Promise<Verifier> {
  const { name, keyId, key } = readKeyFields(verifierKey.split("+"));
  const raw = key.subarray(1);
  if (!bytesEqual(await keyIdOf(name, raw), keyId)) {
    throw new CheckpointError("malformed-key", `verifier key id ${bytesToHex(keyId)} does not match its key`);
  }
  const publicKey = await crypto.subtle.importKey("raw", raw, ED25519, true, ["verify"]);
  return { name, keyId, publicKey };
}

/** `<name>+<8 hex digits>+<base64 key>`; base64 may itself hold `+`, so everything after the second `+` is the key. */
function readKeyFields(parts: readonly string[]): { name: string; keyId: Uint8Array; key: Uint8Array } {
  const [name, hex] = parts;
  const encoded = parts.slice(2).join("+");
  if (name === undefined || hex === undefined || encoded === "") {
    throw new CheckpointError("malformed-key", "key must read <name>+<key id>+<key>");
  }
  checkName(name);
  if (!/^[0-9a-fA-F]{8}$/.test(hex))
    throw new CheckpointError("malformed-key", `key id must be 8 hex digits, got ${JSON.stringify(hex)}`);
  if (!BASE64.test(encoded)) throw new CheckpointError("malformed-key", "key is not base64");
  const key = base64ToBytes(encoded);
  if (key[0] !== ALG_ED25519)
    throw new CheckpointError(
      "malformed-key",
      `unsupported key algorithm ${key[0] ?? "(none)"}, only Ed25519 (1)`,
    );
  if (key.length !== 33)
    throw new CheckpointError("malformed-key", `Ed25519 key must be 32 bytes, got ${key.length - 1}`);
  return { name, keyId: hexToBytes(hex), key };
}

function checkName(name: string): void {
  if (!isValidName(name)) {
    throw new CheckpointError(
      "bad-name",
      `key name must be non-empty, without white space or "+": ${JSON.stringify(name)}`,
    );
  }
}
