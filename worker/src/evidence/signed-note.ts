import { bytesToHex, concatBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { ED25519, isValidName, parseVerifierKey, type Signer, type Verifier } from "./note-keys.ts";
import {
  base64ToBytes,
  BASE64,
  bytesEqual,
  bytesToBase64,
  CheckpointError,
  FORBIDDEN_CONTROL,
  LONE_SURROGATE,
} from "./note-text.ts";

/**
 * C2SP signed notes (c2sp.org/signed-note, the format of golang.org/x/mod/sumdb/note): the body, a blank line,
 * then one `— <key name> <base64(key id || signature)>` line per signer.
 */
export const VERIFY_FAILURES = ["malformed", "no-matching-signature", "bad-signature"] as const;
export type VerifyFailure = (typeof VERIFY_FAILURES)[number];
export type VerifyResult = { ok: true; body: string } | { ok: false; reason: VerifyFailure; message: string };

/** The em dash and space that open every signature line (signed-note "Signatures"). */
const SIGNATURE_PREFIX = "\u2014 ";
/** golang.org/x/mod/sumdb/note refuses notes with more signature lines than this, to bound the work. */
const MAX_SIGNATURES = 100;

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
