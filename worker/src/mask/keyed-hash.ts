import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";

/**
 * The `hash` action: a keyed HMAC-SHA-256 token in place of a value, so support can still find "every session
 * of alice@example.com" by hashing what the customer tells them, while the archive holds no email address.
 * Synchronous (noble) because maskers are pure functions; the key is VERBATIM_SECRET, scoped by `purpose`.
 * Identifiers are compared case- and whitespace-insensitively, as people type them.
 */
const encoder = new TextEncoder();

export function normaliseIdentifier(value: string): string {
  return value.trim().toLowerCase();
}

export function keyedToken(secret: string, purpose: string, value: string): string {
  const mac = hmac(
    sha256,
    encoder.encode(secret),
    encoder.encode(`${purpose}:${normaliseIdentifier(value)}`),
  );
  let hex = "";
  for (const byte of mac.subarray(0, 16)) hex += byte.toString(16).padStart(2, "0");
  return `[hash:${hex}]`;
}

/** The token of a customer identifier, as stored in session_customers and as the search API computes it. */
export function customerToken(secret: string, identifier: string): string {
  return keyedToken(secret, "customer", identifier);
}
