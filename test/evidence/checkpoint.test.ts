import { describe, expect, it } from "vitest";
import {
  CheckpointError,
  checkpointBody,
  generateSignerKey,
  keyIdOf,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  verifyNote,
} from "../../worker/src/evidence/checkpoint.ts";

/**
 * Independent vectors from golang.org/x/mod/sumdb/note (sumdb/note/note_test.go: TestNewVerifier, TestSign,
 * TestVerifierList, TestOpen), copied byte for byte: if our encoding drifts from the Go package, these fail.
 */
const PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const GO_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG =
  "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

const ROOT = Uint8Array.from({ length: 32 }, (_, i) => i * 7);

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function publicKeyOf(vkey: string): Uint8Array {
  const encoded = vkey.split("+").slice(2).join("+");
  return Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)).subarray(1);
}

/** Changes one base64 character of a signature line's payload, at `at` characters into the payload. */
function flipBase64(line: string, at: number): string {
  const start = line.lastIndexOf(" ") + 1 + at;
  const swapped = line[start] === "A" ? "B" : "A";
  return line.slice(0, start) + swapped + line.slice(start + 1);
}

describe("key ids (golang.org/x/mod/sumdb/note vectors)", () => {
  it.each([
    ["PeterNeumann", PETER_VKEY, "c74f20a3"],
    ["EnochRoot", ENOCH_VKEY, "af0cfe78"],
  ])("derives %s's key id %s from SHA-256(name, newline, 0x01, key)", async (name, vkey, id) => {
    expect(hex(await keyIdOf(name, publicKeyOf(vkey)))).toBe(id);
    expect(hex((await parseVerifierKey(vkey)).keyId)).toBe(id);
  });

  it("derives the published public key and key id from the published signer key", async () => {
    const signer = await parseSignerKey(PETER_SKEY);
    expect(signer.name).toBe("PeterNeumann");
    expect(hex(signer.keyId)).toBe("c74f20a3");
    expect(hex(signer.publicKey)).toBe(hex(publicKeyOf(PETER_VKEY)));
  });
});

describe("signNote / verifyNote against the Go package", () => {
  it("reproduces the published signature byte for byte (Ed25519 is deterministic)", async () => {
    const note = await signNote(GO_TEXT, await parseSignerKey(PETER_SKEY));
    expect(note).toBe(`${GO_TEXT}\n${PETER_SIG}`);
  });

  it.each([
    ["PeterNeumann", PETER_VKEY],
    ["EnochRoot", ENOCH_VKEY],
  ])("verifies the published two-signer note with %s's key alone", async (_name, vkey) => {
    expect(await verifyNote(`${GO_TEXT}\n${PETER_SIG}${ENOCH_SIG}`, vkey)).toEqual({
      ok: true,
      body: GO_TEXT,
    });
  });

  it("refuses the published note with a corrupted signature (TestOpen's ABCD insertion)", async () => {
    const corrupted = `${GO_TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    expect(await verifyNote(corrupted, PETER_VKEY)).toMatchObject({ ok: false, reason: "bad-signature" });
  });

  it.each([
    ["no signature block", GO_TEXT],
    ["a blank line but no signatures", `${GO_TEXT}\n`],
    ["a signature line without its newline", `${GO_TEXT}\n${PETER_SIG.slice(0, -1)}`],
    ["a control character", `\u0001${GO_TEXT}\n${PETER_SIG}`],
    [
      "a key name with a space",
      `${GO_TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
    ],
    ["a line after the signatures", `${GO_TEXT}\n${PETER_SIG}Unexpected line.\n`],
    ["more than 100 signatures", `${GO_TEXT}\n${PETER_SIG.repeat(101)}`],
    ["a lone surrogate (not UTF-8)", `\ud800${GO_TEXT}\n${PETER_SIG}`],
  ])("calls a note with %s malformed (TestOpen's bad messages)", async (_what, note) => {
    expect(await verifyNote(note, PETER_VKEY)).toMatchObject({ ok: false, reason: "malformed" });
  });

  it.each([
    ["a truncated key", PETER_VKEY.slice(0, -1)],
    ["a changed key id", PETER_VKEY.replace("c74f20a3", "c74f20a4")],
    ["a changed key byte", PETER_VKEY.replace("ARpc", "ARpd")],
    [
      "a wrong-length key with adjusted key id",
      "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
    ],
    [
      "an unknown algorithm with adjusted key id",
      "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
    ["no key", "PeterNeumann+c74f20a3"],
    ["a name with a space", "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"],
    ["a short key id", "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"],
  ])("refuses a verifier key with %s", async (_what, vkey) => {
    await expect(parseVerifierKey(vkey)).rejects.toThrow(CheckpointError);
  });

  it.each([
    ["a missing PRIVATE+KEY prefix", PETER_SKEY.slice("PRIVATE+KEY+".length)],
    ["a changed key id", PETER_SKEY.replace("c74f20a3", "c74f20a4")],
    ["a changed seed byte", PETER_SKEY.replace("AYEK", "AYEL")],
    ["a truncated seed", PETER_SKEY.slice(0, -4)],
  ])("refuses a signer key with %s", async (_what, skey) => {
    await expect(parseSignerKey(skey)).rejects.toThrow(CheckpointError);
  });
});

describe("checkpoints, round trip", () => {
  const origin = "verbatim.example/evidence";

  async function signedCheckpoint() {
    const keys = await generateSignerKey(origin);
    const signer = await parseSignerKey(keys.signerKey);
    const body = checkpointBody({
      origin,
      size: 20852163,
      rootHash: ROOT,
      extensions: ["— not a signature"],
    });
    return { keys, body, note: await signNote(body, signer) };
  }

  // 0x01 and a 32-byte key are 33 bytes, 44 base64 characters without padding, starting "A" then one of Q–f.
  it("generates keys in note's text encodings", async () => {
    const { signerKey, verifierKey } = await generateSignerKey(origin);
    expect(signerKey).toMatch(
      /^PRIVATE\+KEY\+verbatim\.example\/evidence\+[0-9a-f]{8}\+A[Q-Za-f][A-Za-z0-9+/]{42}$/,
    );
    expect(verifierKey).toMatch(/^verbatim\.example\/evidence\+[0-9a-f]{8}\+A[Q-Za-f][A-Za-z0-9+/]{42}$/);
    expect(signerKey.split("+")[3]).toBe(verifierKey.split("+")[1]);
  });

  it("signs a checkpoint that verifies and parses back to what was signed", async () => {
    const { keys, body, note } = await signedCheckpoint();
    expect(body).toBe(`${origin}\n20852163\n${btoa(String.fromCharCode(...ROOT))}\n— not a signature\n`);
    const result = await verifyNote(note, keys.verifierKey);
    expect(result).toEqual({ ok: true, body });
    if (!result.ok) return;
    expect(parseCheckpoint(result.body)).toEqual({
      origin,
      size: 20852163,
      rootHash: ROOT,
      extensions: ["— not a signature"],
    });
  });

  it("ignores other signers' lines before and after its own", async () => {
    const { keys, body, note } = await signedCheckpoint();
    const ours = note.slice(body.length + 1);
    for (const mixed of [`${body}\n${PETER_SIG}${ours}`, `${body}\n${ours}${ENOCH_SIG}`]) {
      expect(await verifyNote(mixed, keys.verifierKey)).toEqual({ ok: true, body });
    }
  });

  it.each([
    ["a changed body byte", "bad-signature", (note: string) => note.replace("20852163", "20852164")],
    ["a changed signature byte", "bad-signature", (note: string) => flipBase64(note.slice(0, -1), 20) + "\n"],
    ["a changed key id", "no-matching-signature", (note: string) => flipBase64(note.slice(0, -1), 0) + "\n"],
    [
      "another key name",
      "no-matching-signature",
      (note: string) => note.replace(`— ${origin} `, "— someone.else "),
    ],
    [
      "its signature line removed",
      "malformed",
      (note: string) => note.slice(0, note.lastIndexOf("\n\n") + 2),
    ],
  ])("fails with %s (%s)", async (_what, reason, tamper) => {
    const { keys, note } = await signedCheckpoint();
    const tampered = tamper(note);
    expect(tampered).not.toBe(note);
    const result = await verifyNote(tampered, keys.verifierKey);
    expect(result).toMatchObject({ ok: false, reason });
    if (!result.ok) expect(result.message).not.toBe("");
  });

  it("fails with a verifier key of another key pair under the same name", async () => {
    const { note } = await signedCheckpoint();
    const other = await generateSignerKey(origin);
    expect(await verifyNote(note, other.verifierKey)).toMatchObject({
      ok: false,
      reason: "no-matching-signature",
    });
  });
});

describe("checkpointBody / parseCheckpoint refuse bad input", () => {
  const hash = btoa(String.fromCharCode(...ROOT));

  it.each([
    ["no final newline", `o\n1\n${hash}`, /end with a newline/],
    ["only two lines", `o\n1\n`, /origin, size and root hash/],
    ["an empty origin", `\n1\n${hash}\n`, /origin must not be empty/],
    ["a leading zero in the size", `o\n01\n${hash}\n`, /tree size line/],
    ["a negative size", `o\n-1\n${hash}\n`, /tree size line/],
    ["a size past 2^53", `o\n9007199254740993\n${hash}\n`, /tree size line/],
    ["a root hash that is not base64", `o\n1\nnot base64!\n`, /not base64/],
    ["a 31-byte root hash", `o\n1\n${btoa("x".repeat(31))}\n`, /32 bytes, got 31/],
    ["an empty extension line", `o\n1\n${hash}\n\n`, /extension line 1 must not be empty/],
    ["a control character", `o\t\n1\n${hash}\n`, /control characters/],
  ])("parseCheckpoint refuses %s", (_what, text, message) => {
    expect(() => parseCheckpoint(text)).toThrow(message);
  });

  it.each([
    ["an empty origin", { origin: "", size: 1, rootHash: ROOT }, /origin must not be empty/],
    ["a two-line origin", { origin: "a\nb", size: 1, rootHash: ROOT }, /one line/],
    ["a fractional size", { origin: "o", size: 1.5, rootHash: ROOT }, /whole number/],
    ["a negative size", { origin: "o", size: -1, rootHash: ROOT }, /whole number/],
    ["a 20-byte root hash", { origin: "o", size: 1, rootHash: new Uint8Array(20) }, /32 bytes, got 20/],
    ["an empty extension", { origin: "o", size: 1, rootHash: ROOT, extensions: [""] }, /extension line 1/],
  ])("checkpointBody refuses %s", (_what, input, message) => {
    expect(() => checkpointBody(input)).toThrow(message);
  });

  it.each([["has space"], ["has+plus"], [""], ["tab\there"]])(
    "generateSignerKey refuses the key name %j",
    async (name) => {
      await expect(generateSignerKey(name)).rejects.toThrow(/key name/);
    },
  );

  it("signNote refuses a body without a final newline", async () => {
    const signer = await parseSignerKey(PETER_SKEY);
    await expect(signNote("no newline", signer)).rejects.toThrow(/end with a newline/);
  });
});
