import type { MaskContext } from "./context.ts";

/**
 * The `encrypt` action's second half. Maskers leave placeholders; before anything is stored they are
 * replaced with `[enc:<base64url>]`: a fresh AES-256-GCM key encrypts the value and RSA-OAEP-SHA-256 wraps that
 * key for the policy's public key (hybrid encryption, so values of any length fit). The Worker never holds
 * the private key: `npm run policy -- reveal` does, offline.
 * Layout: 2-byte wrapped-key length, wrapped key, 12-byte IV, AES-GCM ciphertext with tag.
 */
const publicKeys = new Map<string, Promise<CryptoKey>>();

function importPublicKey(spkiBase64: string): Promise<CryptoKey> {
  let key = publicKeys.get(spkiBase64);
  if (!key) {
    const der = Uint8Array.from(atob(spkiBase64), (c) => c.charCodeAt(0));
    key = crypto.subtle.importKey("spki", der, { name: "RSA-OAEP", hash: "SHA-256" }, false, ["encrypt"]);
    publicKeys.set(spkiBase64, key);
  }
  return key;
}

export async function sealValue(value: string, spkiBase64: string): Promise<string> {
  const publicKey = await importPublicKey(spkiBase64);
  const aesKey = (await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, [
    "encrypt",
  ])) as CryptoKey;
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv }, aesKey, new TextEncoder().encode(value)),
  );
  const rawKey = await crypto.subtle.exportKey("raw", aesKey);
  const wrapped = new Uint8Array(
    await crypto.subtle.encrypt({ name: "RSA-OAEP" }, publicKey, rawKey as ArrayBuffer),
  );
  const out = new Uint8Array(2 + wrapped.length + iv.length + ciphertext.length);
  out[0] = wrapped.length >> 8;
  out[1] = wrapped.length & 0xff;
  out.set(wrapped, 2);
  out.set(iv, 2 + wrapped.length);
  out.set(ciphertext, 2 + wrapped.length + iv.length);
  let binary = "";
  for (const byte of out) binary += String.fromCharCode(byte);
  // base64url: no "+" (a space in form bodies) and no "/" or "=" to escape in URLs.
  return `[enc:${btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}]`;
}

/** Replaces every pending placeholder in `text`. Values are binary strings (one char per byte), as maskers see them. */
export async function sealText(text: string, ctx: MaskContext): Promise<string> {
  if (ctx.pendingEncryptions.size === 0) return text;
  const key = ctx.policy.encryptionPublicKey;
  if (key === null) throw new Error("encrypt rule without a public key");
  let out = text;
  for (const [marker, value] of ctx.pendingEncryptions) {
    if (!out.includes(marker)) continue;
    const bytes = Uint8Array.from(value, (c) => c.charCodeAt(0) & 0xff);
    out = out.split(marker).join(await sealValue(new TextDecoder().decode(bytes), key));
  }
  return out;
}

/** Whether any placeholder is left (a value the seal step could not reach must not be stored). */
export function hasPendingMarker(text: string): boolean {
  return text.includes("ENCPENDING");
}
