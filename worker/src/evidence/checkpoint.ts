/**
 * Signed tree heads ("checkpoints") in the formats existing transparency-log tools read, so a third party can
 * check Verbatim's Merkle tree with off-the-shelf code rather than ours:
 * - the body is a C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): origin, tree size, base64 root hash,
 *   then optional extension lines, each ending in a newline;
 * - the envelope is a C2SP signed note (c2sp.org/signed-note), the format of golang.org/x/mod/sumdb/note:
 *   the body, a blank line, then one `— <key name> <base64(key id || signature)>` line per signer.
 * Keys use note's text encodings too (what `note.GenerateKey` prints), so a key made here can be checked with
 * Go's tools and the other way round. Only Ed25519 (algorithm byte 0x01) is supported.
 */

import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";

export const CHECKPOINT_ERROR_CODES = [
  "malformed-checkpoint",
  "malformed-key",
  "bad-name",
  "bad-body",
] as const;
export type CheckpointErrorCode = (typeof CHECKPOINT_ERROR_CODES)[number];

/** Bad input to this module: a malformed checkpoint, key string, key name or note body. */
export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
  readonly code: CheckpointErrorCode;
  constructor(code: CheckpointErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export type Checkpoint = {
  /** Names the log; by c2sp.org/tlog-checkpoint also the name of the log's signing key. */
  origin: string;
  /** Number of leaves in the tree. */
  size: number;
  /** RFC 9162 root hash (SHA-256). */
  rootHash: Uint8Array;
  extensions: readonly string[];
};

export type Signer = { name: string; keyId: Uint8Array; privateKey: CryptoKey; publicKey: Uint8Array };
export type Verifier = { name: string; keyId: Uint8Array; publicKey: CryptoKey };

export const VERIFY_FAILURES = ["malformed", "no-matching-signature", "bad-signature"] as const;
export type VerifyFailure = (typeof VERIFY_FAILURES)[number];
export type VerifyResult = { ok: true; body: string } | { ok: false; reason: VerifyFailure; message: string };

const ED25519 = { name: "Ed25519" } as const;
/** The algorithm byte in front of every note key (signed-note "Ed25519" signature type). */
const ALG_ED25519 = 0x01;
/** RFC 8410 PrivateKeyInfo for an Ed25519 seed, up to the seed itself: WebCrypto imports raw seeds only as PKCS#8. */
const PKCS8_ED25519_PREFIX = hexToBytes("302e020100300506032b657004220420");
/** The em dash and space that open every signature line (signed-note "Signatures"). */
const SIGNATURE_PREFIX = "\u2014 ";
/** golang.org/x/mod/sumdb/note refuses notes with more signature lines than this, to bound the work. */
const MAX_SIGNATURES = 100;
/** Verbatim's tree hashes with SHA-256 (RFC 9162 section 2.1). */
const ROOT_HASH_BYTES = 32;
const DECIMAL = /^(0|[1-9][0-9]*)$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Control characters other than newline are not allowed anywhere in a note (note.Open). */
const FORBIDDEN_CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
const WHITESPACE = /\s/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// ---- checkpoint body ----

export function checkpointBody(checkpoint: {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  extensions?: readonly string[];
}): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  checkLine("origin", origin);
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new CheckpointError("malformed-checkpoint", `tree size must be a whole number ≥ 0, got ${size}`);
  }
  if (rootHash.length !== ROOT_HASH_BYTES) {
    throw new CheckpointError(
      "malformed-checkpoint",
      `root hash must be ${ROOT_HASH_BYTES} bytes, got ${rootHash.length}`,
    );
  }
  extensions.forEach((line, i) => checkLine(`extension line ${i + 1}`, line));
  return [origin, String(size), bytesToBase64(rootHash), ...extensions].map((line) => `${line}\n`).join("");
}

/** Reads a checkpoint body (the text `verifyNote` returns), refusing anything `checkpointBody` would not write. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith("\n"))
    throw new CheckpointError("malformed-checkpoint", "checkpoint must end with a newline");
  const lines = text.slice(0, -1).split("\n");
  const [origin, sizeLine, hashLine, ...extensions] = lines;
  if (origin === undefined || sizeLine === undefined || hashLine === undefined) {
    throw new CheckpointError(
      "malformed-checkpoint",
      `checkpoint needs origin, size and root hash lines, got ${lines.length} line(s)`,
    );
  }
  checkLine("origin", origin);
  if (!DECIMAL.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine))) {
    throw new CheckpointError(
      "malformed-checkpoint",
      `tree size line must be a decimal number without leading zeros, got ${JSON.stringify(sizeLine)}`,
    );
  }
  if (!BASE64.test(hashLine)) {
    throw new CheckpointError(
      "malformed-checkpoint",
      `root hash line is not base64: ${JSON.stringify(hashLine)}`,
    );
  }
  const rootHash = base64ToBytes(hashLine);
  if (rootHash.length !== ROOT_HASH_BYTES) {
    throw new CheckpointError(
      "malformed-checkpoint",
      `root hash must be ${ROOT_HASH_BYTES} bytes, got ${rootHash.length}`,
    );
  }
  extensions.forEach((line, i) => checkLine(`extension line ${i + 1}`, line));
  return { origin, size: Number(sizeLine), rootHash, extensions };
}

/** Every checkpoint line is non-empty (an empty line would end the note body) and a single line. */
function checkLine(what: string, line: string): void {
  if (line === "") throw new CheckpointError("malformed-checkpoint", `${what} must not be empty`);
  if (line.includes("\n") || FORBIDDEN_CONTROL.test(line) || LONE_SURROGATE.test(line)) {
    throw new CheckpointError(
      "malformed-checkpoint",
      `${what} must be one line of text without control characters`,
    );
  }
}

// ---- signed notes ----

/** Appends this signer's signature line; the signature covers the body's UTF-8 bytes, final newline included. */
export async function signNote(body: string, signer: Signer): Promise<string> {
  if (!body.endsWith("\n")) throw new CheckpointError("bad-body", "note body must end with a newline");
  if (FORBIDDEN_CONTROL.test(body) || LONE_SURROGATE.test(body)) {
    throw new CheckpointError(
      "bad-body",
      "note body must be UTF-8 text without control characters other than newline",
    );
  }
  const signature = new Uint8Array(await crypto.subtle.sign(ED25519, signer.privateKey, utf8ToBytes(body)));
  return `${body}\n${SIGNATURE_PREFIX}${signer.name} ${bytesToBase64(concatBytes(signer.keyId, signature))}\n`;
}

/**
 * Checks the note carries a valid signature by this verifier's key. Lines by other keys (cosigners, witnesses)
 * are parsed but not checked, as note.Open does; a line by this key that fails is a failure even if another
 * line by it would pass, again as note.Open.
 */
export async function verifyNote(note: string, verifierKey: Verifier | string): Promise<VerifyResult> {
  const verifier = typeof verifierKey === "string" ? await parseVerifierKey(verifierKey) : verifierKey;
  const malformed = (message: string): VerifyResult => ({ ok: false, reason: "malformed", message });
  if (FORBIDDEN_CONTROL.test(note) || LONE_SURROGATE.test(note)) {
    return malformed("note has control characters other than newline or is not valid UTF-8");
  }
  const split = note.lastIndexOf("\n\n");
  if (split < 0) return malformed("note has no blank line before its signatures");
  const body = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === "" || !block.endsWith("\n"))
    return malformed("signature block must be non-empty and end with a newline");
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > MAX_SIGNATURES) return malformed(`note has more than ${MAX_SIGNATURES} signatures`);

  let mine: Uint8Array | null = null;
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) return malformed(`not a signature line: ${JSON.stringify(line)}`);
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(" ");
    const name = space < 0 ? rest : rest.slice(0, space);
    const encoded = space < 0 ? "" : rest.slice(space + 1);
    if (!isValidName(name)) return malformed(`bad key name in signature line: ${JSON.stringify(name)}`);
    if (encoded === "" || !BASE64.test(encoded)) return malformed(`signature by ${name} is not base64`);
    const raw = base64ToBytes(encoded);
    if (raw.length < 5) return malformed(`signature by ${name} is too short`);
    if (mine === null && name === verifier.name && bytesEqual(raw.subarray(0, 4), verifier.keyId)) {
      mine = raw.subarray(4);
    }
  }
  const keyName = `${verifier.name}+${bytesToHex(verifier.keyId)}`;
  if (mine === null)
    return { ok: false, reason: "no-matching-signature", message: `no signature by key ${keyName}` };
  const valid =
    mine.length === 64 && (await crypto.subtle.verify(ED25519, verifier.publicKey, mine, utf8ToBytes(body)));
  if (!valid) return { ok: false, reason: "bad-signature", message: `invalid signature for key ${keyName}` };
  return { ok: true, body };
}

// ---- keys ----

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

/** Reads `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>`; the key id must match the derived public key. */
export async function parseSignerKey(signerKey: string): Promise<Signer> {
  const parts = signerKey.split("+");
  if (parts.length < 5 || parts[0] !== "PRIVATE" || parts[1] !== "KEY") {
    throw new CheckpointError("malformed-key", "signer key must read PRIVATE+KEY+<name>+<key id>+<key>");
  }
  const { name, keyId, key } = readKeyFields(parts.slice(2));
  const seed = key.subarray(1);
  const privateKey = await crypto.subtle.importKey(
    "pkcs8",
    concatBytes(PKCS8_ED25519_PREFIX, seed),
    ED25519,
    true,
    ["sign"],
  );
  // WebCrypto derives the public key on import; JWK export is the portable way to read it back.
  const jwk = (await crypto.subtle.exportKey("jwk", privateKey)) as JsonWebKey;
  if (jwk.x === undefined)
    throw new CheckpointError("malformed-key", "could not derive the public key from the signer key");
  const publicKey = base64ToBytes(jwk.x.replace(/-/g, "+").replace(/_/g, "/") + "=");
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

// ---- bytes ----

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function bytesToBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function base64ToBytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
