import { bytesToHex } from "@noble/hashes/utils.js";
import {
  type Checkpoint,
  CheckpointError,
  parseCheckpoint,
  parseVerifierKey,
  type Verifier,
  verifyNote,
} from "../../../worker/src/evidence/checkpoint.ts";
import { VerifyFailure } from "./failure.ts";
import { ENTRY } from "./layout.ts";
import type { ZipFile } from "./zip-file.ts";

/**
 * Step 3 of docs/evidence.md §3: `evidence/checkpoint.txt` is a C2SP signed note over a C2SP checkpoint,
 * signed by the log's Ed25519 key. The key is the pinned one (`--log-key`) when given; otherwise the one the
 * export carries, which proves only that the export is self-consistent, and the report says so.
 */
export type CheckpointResult = {
  checkpoint: Checkpoint;
  /** The verifier key that checked it (`<name>+<key id>+<base64>`). */
  logKey: string;
  keyName: string;
  keyId: string;
  pinned: boolean;
  /** The audit log's chain head at signing (`audit <seq> <hash>`), when the checkpoint carries it. */
  audit: { seq: number; hash: string } | undefined;
};

const AUDIT_LINE = /^audit (\d+) ([0-9a-f]{64})$/;

export async function checkCheckpoint(
  zip: ZipFile,
  pinnedKey: string | undefined,
): Promise<CheckpointResult> {
  const keyEntry = zip.entry(ENTRY.logKey);
  const noteEntry = zip.entry(ENTRY.checkpoint);
  if (!keyEntry || !noteEntry)
    throw new VerifyFailure("zip", { file: ENTRY.checkpoint }, "or its log key is missing");
  const decoder = new TextDecoder();
  const exportKey = decoder.decode(await zip.read(keyEntry, 4096)).trim();
  const note = decoder.decode(await zip.read(noteEntry, 1 << 20));
  const logKey = pinnedKey ?? exportKey;
  const keyFile = pinnedKey === undefined ? ENTRY.logKey : "--log-key";

  let verifier: Verifier;
  try {
    verifier = await parseVerifierKey(logKey);
  } catch (error) {
    const reason = error instanceof CheckpointError ? error.message : String(error);
    throw new VerifyFailure("checkpoint", { file: keyFile }, `is not a log verifier key: ${reason}`);
  }
  const opened = await verifyNote(note, verifier);
  if (!opened.ok) {
    throw new VerifyFailure(
      "checkpoint",
      { file: ENTRY.checkpoint },
      `signature does not verify with the ${pinnedKey === undefined ? "export's" : "pinned"} log key: ${opened.message}`,
    );
  }
  if (pinnedKey !== undefined && exportKey !== pinnedKey) {
    throw new VerifyFailure(
      "checkpoint",
      { file: ENTRY.logKey },
      `names log key ${exportKey}, not the pinned ${pinnedKey}`,
    );
  }
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(opened.body);
  } catch (error) {
    throw new VerifyFailure(
      "checkpoint",
      { file: ENTRY.checkpoint },
      error instanceof Error ? error.message : String(error),
    );
  }
  const audit = checkpoint.extensions.map((line) => AUDIT_LINE.exec(line)).find((match) => match !== null);
  return {
    checkpoint,
    logKey,
    keyName: verifier.name,
    keyId: bytesToHex(verifier.keyId),
    pinned: pinnedKey !== undefined,
    audit: audit?.[1] && audit[2] ? { seq: Number(audit[1]), hash: audit[2] } : undefined,
  };
}
