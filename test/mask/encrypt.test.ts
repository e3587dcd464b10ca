import { describe, expect, it } from "vitest";
import { compilePolicy, maskBody, MaskContext, sealText } from "../../worker/src/mask/index.ts";
import { unseal } from "../../worker/src/mask/unseal.ts";

async function keyPair() {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSA-OAEP", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["encrypt", "decrypt"],
  )) as CryptoKeyPair;
  const spki = new Uint8Array((await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer);
  return { privateKey: pair.privateKey, publicKey: btoa(String.fromCharCode(...spki)) };
}

describe("encrypt action", () => {
  it("seals a value so that only the private key's holder can read it back", async () => {
    const { privateKey, publicKey } = await keyPair();
    const result = compilePolicy({
      encryptionPublicKey: publicKey,
      rules: [{ id: "phone", action: "encrypt", match: { field: ["phone"] } }],
    });
    if (!result.ok) throw new Error(result.errors.join("; "));
    const ctx = new MaskContext({ policy: result.policy, secret: "k".repeat(32) });
    const masked = new TextDecoder().decode(
      maskBody(new TextEncoder().encode('{"phone":"+44 20 7946 0000","x":1}'), "application/json", ctx),
    );
    expect(masked).toMatch(/^\{"phone":"ENCPENDING0X[0-9a-f]{32}","x":1\}$/);
    const sealed = await sealText(masked, ctx);
    expect(sealed).not.toContain("+44 20 7946 0000");
    const value = /"phone":"(\[enc:[^\]]+\])"/.exec(sealed)?.[1] ?? "";
    expect(await unseal(privateKey, value)).toBe("+44 20 7946 0000");
  });

  it("seals values in form bodies so that they decode as sent", async () => {
    const { privateKey, publicKey } = await keyPair();
    const result = compilePolicy({
      encryptionPublicKey: publicKey,
      rules: [{ id: "p", action: "encrypt", match: { field: ["phone"] } }],
    });
    if (!result.ok) throw new Error(result.errors.join("; "));
    const ctx = new MaskContext({ policy: result.policy });
    const body = new TextDecoder().decode(
      maskBody(new TextEncoder().encode("phone=%2B1+555&x=1"), "application/x-www-form-urlencoded", ctx),
    );
    const sealed = new URLSearchParams(await sealText(body, ctx));
    expect(await unseal(privateKey, sealed.get("phone") ?? "")).toBe("+1 555");
    expect(sealed.get("x")).toBe("1");
  });

  it("makes a different ciphertext each time (no equality leak)", async () => {
    const { publicKey } = await keyPair();
    const result = compilePolicy({
      encryptionPublicKey: publicKey,
      rules: [{ id: "p", action: "encrypt", match: { field: ["phone"] } }],
    });
    if (!result.ok) throw new Error(result.errors.join("; "));
    const seal = async () => {
      const ctx = new MaskContext({ policy: result.policy });
      return sealText(
        new TextDecoder().decode(
          maskBody(new TextEncoder().encode("phone=1"), "application/x-www-form-urlencoded", ctx),
        ),
        ctx,
      );
    };
    expect(await seal()).not.toBe(await seal());
  });
});
