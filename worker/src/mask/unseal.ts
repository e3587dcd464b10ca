/**
 * Opens a value an `encrypt` rule sealed (see seal.ts for the layout). Only a holder of the private key can:
 * offline (`npm run policy -- reveal`), or compliance in the console's API, with the key given for that one
 * request and never stored (read/reveal.ts). The recorder itself never holds it.
 */
export async function unseal(privateKey: CryptoKey, sealedValue: string): Promise<string> {
  const match = /^\[enc:([A-Za-z0-9_-]+)\]$/.exec(sealedValue.trim());
  if (!match?.[1]) throw new Error("the value must look like [enc:<base64url>]");
  const base64 = match[1].replace(/-/g, "+").replace(/_/g, "/");
  const sealed = Uint8Array.from(atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4)), (c) =>
    c.charCodeAt(0),
  );
  const wrappedLength = ((sealed[0] ?? 0) << 8) | (sealed[1] ?? 0);
  const wrapped = sealed.subarray(2, 2 + wrappedLength);
  const iv = sealed.subarray(2 + wrappedLength, 14 + wrappedLength);
  const ciphertext = sealed.subarray(14 + wrappedLength);
  const rawKey = await crypto.subtle.decrypt({ name: "RSA-OAEP" }, privateKey, wrapped);
  const aesKey = await crypto.subtle.importKey("raw", rawKey, "AES-GCM", false, ["decrypt"]);
  return new TextDecoder().decode(await crypto.subtle.decrypt({ name: "AES-GCM", iv }, aesKey, ciphertext));
}

/** Imports a PKCS#8 RSA-OAEP private key from PEM (or bare base64), for `unseal` only. */
export function importRevealKey(pem: string): Promise<CryptoKey> {
  const base64 = pem.replace(/-----[^-]+-----|\s/g, "");
  const der = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return crypto.subtle.importKey("pkcs8", der, { name: "RSA-OAEP", hash: "SHA-256" }, false, ["decrypt"]);
}
