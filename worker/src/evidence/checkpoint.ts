/**
 * Signed tree heads ("checkpoints") in the formats existing transparency-log tools read, so a third party can
 * check Verbatim's Merkle tree with off-the-shelf code rather than ours:
 * - the body is a C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): origin, tree size, base64 root hash,
 *   then optional extension lines, each ending in a newline;
 * - the envelope is a C2SP signed note (c2sp.org/signed-note), the format of golang.org/x/mod/sumdb/note:
 *   the body, a blank line, then one `— <key name> <base64(key id || signature)>` line per signer.
 * Keys use note's text encodings too (what `note.GenerateKey` prints), so a key made here can be checked with
 * Go's tools and the other way round (note-keys.ts, signed-note.ts; re-exported here). Only Ed25519.
 */

import {
  base64ToBytes,
  BASE64,
  bytesToBase64,
  CheckpointError,
  FORBIDDEN_CONTROL,
  LONE_SURROGATE,
} from "./note-text.ts";

export { CHECKPOINT_ERROR_CODES, CheckpointError, type CheckpointErrorCode } from "./note-text.ts";
export {
  generateSignerKey,
  isValidName,
  keyIdOf,
  parseSignerKey,
  parseVerifierKey,
  type Signer,
  type Verifier,
} from "./note-keys.ts";
export {
  signNote,
  verifyNote,
  VERIFY_FAILURES,
  type VerifyFailure,
  type VerifyResult,
} from "./signed-note.ts";

export type Checkpoint = {
  /** Names the log; by c2sp.org/tlog-checkpoint also the name of the log's signing key. */
  origin: string;
  /** Number of leaves in the tree. */
  size: number;
  /** RFC 9162 root hash (SHA-256). */
  rootHash: Uint8Array;
  extensions: readonly string[];
};

/** Verbatim's tree hashes with SHA-256 (RFC 9162 section 2.1). */
const ROOT_HASH_BYTES = 32;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

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
