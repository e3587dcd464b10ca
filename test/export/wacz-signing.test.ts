import { beforeAll, describe, expect, it } from "vitest";
import { datapackageJson } from "../../worker/src/export/datapackage.ts";
import {
  datapackageDigest,
  devExportSigner,
  exportSignerFromPkcs8,
  generateExportKey,
  verifyDatapackageDigest,
  type ExportSigner,
} from "../../worker/src/export/wacz-signing.ts";
import { hexSha256, utf8 } from "./exchange-fixtures.ts";

const CREATED = "2026-03-15T00:05:00Z";
const PACKAGE = datapackageJson(
  [
    { name: "archive/data-00001.warc.gz", offset: 0, size: 1234, crc: 1, sha256: "aa".repeat(32) },
    { name: "indexes/index.cdxj", offset: 1300, size: 99, crc: 2, sha256: "bb".repeat(32) },
  ],
  { title: "shop.example, 2026-03-14 (UTC)", created: CREATED, software: "Verbatim 0.1.0" },
);

let signer: ExportSigner;
let digest: string;
beforeAll(async () => {
  signer = await devExportSigner("test-secret-0123456789abcdef");
  digest = await datapackageDigest(PACKAGE, signer, CREATED);
});

type Digest = { path: string; hash: string; signedData: Record<string, string> };
const edited = (change: (d: Digest) => void): string => {
  const d = JSON.parse(digest) as Digest;
  change(d);
  return JSON.stringify(d);
};
const flipLastChar = (b64: string): string =>
  b64.slice(0, -4) + (b64.at(-4) === "A" ? "B" : "A") + b64.slice(-3);

describe("datapackageDigest", () => {
  it("hashes datapackage.json and signs that hash, as the WACZ signing spec lays out", async () => {
    const d = JSON.parse(digest) as Digest;
    const hash = `sha256:${await hexSha256(utf8(PACKAGE))}`;
    expect(d.path).toBe("datapackage.json");
    expect(d.hash).toBe(hash);
    expect(d.signedData).toMatchObject({
      hash,
      created: CREATED,
      software: "Verbatim 0.1.0",
      publicKey: signer.publicKey,
    });
    // What wabac.js does: import the key as P-384 SPKI, verify ECDSA/SHA-256 over the hash's text.
    const key = await crypto.subtle.importKey(
      "spki",
      b64(signer.publicKey),
      { name: "ECDSA", namedCurve: "P-384" },
      false,
      ["verify"],
    );
    const signature = b64(d.signedData["signature"] ?? "");
    expect(signature.length).toBe(96);
    expect(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, utf8(hash))).toBe(
      true,
    );
  });

  it("verifies its own output", async () => {
    expect(await verifyDatapackageDigest(digest, utf8(PACKAGE))).toEqual({
      ok: true,
      reason: "signature verified",
      publicKey: signer.publicKey,
    });
  });
});

const TAMPERED: ReadonlyArray<readonly [string, () => string, () => Uint8Array, RegExp]> = [
  [
    "a changed byte of datapackage.json",
    () => digest,
    () => utf8(PACKAGE.replace("1234", "1235")),
    /hash sha256:[0-9a-f]{64} is not datapackage.json's/,
  ],
  [
    "a different path",
    () => edited((d) => (d.path = "other.json")),
    () => utf8(PACKAGE),
    /^path is "other.json"/,
  ],
  [
    "a re-hashed package with the old signature",
    () => edited((d) => (d.hash = d.signedData["hash"] = "sha256:" + "0".repeat(64))),
    () => utf8(PACKAGE),
    /is not datapackage.json's/,
  ],
  [
    "a signature with one character changed",
    () => edited((d) => (d.signedData["signature"] = flipLastChar(d.signedData["signature"] ?? ""))),
    () => utf8(PACKAGE),
    /does not verify/,
  ],
  [
    "a signature of the wrong length (DER is 102 to 104 bytes)",
    () => edited((d) => (d.signedData["signature"] = btoa("0".repeat(102)))),
    () => utf8(PACKAGE),
    /96-byte/,
  ],
  [
    "no signedData",
    () => edited((d) => delete (d as Partial<Digest>).signedData),
    () => utf8(PACKAGE),
    /not signed/,
  ],
  [
    "a public key that is not one",
    () => edited((d) => (d.signedData["publicKey"] = btoa("not a key"))),
    () => utf8(PACKAGE),
    /not a P-384 ECDSA public key/,
  ],
  ["not JSON", () => "{", () => utf8(PACKAGE), /not JSON/],
];

describe("verifyDatapackageDigest", () => {
  it.each(TAMPERED)("fails on %s, and says why", async (_name, digestOf, bytesOf, reason) => {
    const result = await verifyDatapackageDigest(digestOf(), bytesOf());
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(reason);
  });

  it("fails when another key's public key is put in, and reports that key", async () => {
    const other = await devExportSigner("another secret");
    const result = await verifyDatapackageDigest(
      edited((d) => (d.signedData["publicKey"] = other.publicKey)),
      utf8(PACKAGE),
    );
    expect(result).toEqual({
      ok: false,
      reason: "the signature does not verify with signedData.publicKey",
      publicKey: other.publicKey,
    });
  });
});

describe("export keys", () => {
  it("derives the dev key from the secret: the same secret gives the same key, another a different one", async () => {
    const again = await devExportSigner("test-secret-0123456789abcdef");
    const other = await devExportSigner("test-secret-0123456789abcdeF");
    expect(again.publicKey).toBe(signer.publicKey);
    expect(other.publicKey).not.toBe(signer.publicKey);
    // A base64 SPKI of a P-384 point: 120 bytes (a 24-byte header, then 0x04 || x || y).
    expect(b64(signer.publicKey).length).toBe(120);
    expect(signer.privateKey.extractable).toBe(false);
  });

  it("reads back a generated key: the PKCS#8 gives the public key generated with it, and its signatures verify", async () => {
    const { pkcs8, publicKey } = await generateExportKey();
    const loaded = await exportSignerFromPkcs8(`${pkcs8}\n`);
    expect(loaded.publicKey).toBe(publicKey);
    const signed = await datapackageDigest(PACKAGE, loaded, CREATED);
    expect(await verifyDatapackageDigest(signed, utf8(PACKAGE))).toMatchObject({ ok: true, publicKey });
  });

  it.each([
    ["not base64", "!!!", /not base64/],
    [
      "an Ed25519 key",
      "MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC" /* RFC 8410 §10.3 */,
      /not a P-384 ECDSA private key/,
    ],
  ])("refuses a signing key that is %s", async (_name, key, message) => {
    await expect(exportSignerFromPkcs8(key)).rejects.toThrow(message);
  });
});

function b64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
