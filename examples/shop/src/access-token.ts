import type { Customer } from "./customers.ts";

/** Published on purpose: the token is fake, it only has to look and verify like a real HS256 JWT. */
const DEMO_SIGNING_KEY = "acme-demo-signing-key";

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

const encodeJson = (value: unknown): string => base64url(new TextEncoder().encode(JSON.stringify(value)));

/**
 * An HS256 JWT (RFC 7519) for the account API. It exists so the recorder has a bearer secret to mask in JSON
 * bodies; the shop itself never accepts it.
 */
export async function accessToken(customer: Customer, now: Date): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const signingInput = `${encodeJson({ alg: "HS256", typ: "JWT" })}.${encodeJson({
    sub: customer.username,
    acct: customer.accountNumber,
    iat: issuedAt,
    exp: issuedAt + 3600,
  })}`;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(DEMO_SIGNING_KEY),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(signingInput));
  return `${signingInput}.${base64url(new Uint8Array(signature))}`;
}
