import { importRevealKey, unseal } from "../mask/unseal.ts";

/**
 * Revealing what `encrypt` rules sealed in one exchange, for compliance: the private key arrives with the
 * request and lives only for it (never stored, logged or audited; the audit entry says how many values were
 * opened and where). Sealed values are found as stored: `[enc:<base64url>]`, or percent-encoded inside a URL
 * or a form body (`%5Benc%3A…%5D`).
 */
const SEALED = /\[enc:[A-Za-z0-9_-]+\]|%5Benc%3A[A-Za-z0-9_-]+%5D/gi;
const MAX_VALUES = 200;

export type SealedText = { where: string; text: string };
export type Revealed = { where: string; value: string } | { where: string; error: string };

export function sealedIn(texts: readonly SealedText[]): { where: string; sealed: string }[] {
  const found: { where: string; sealed: string }[] = [];
  for (const { where, text } of texts) {
    for (const match of text.matchAll(SEALED)) {
      const raw = match[0];
      found.push({ where, sealed: raw.startsWith("%") ? decodeURIComponent(raw) : raw });
      if (found.length >= MAX_VALUES) return found;
    }
  }
  return found;
}

/** Opens every sealed value with the given key; a value this key cannot open says so and the rest go on. */
export async function revealAll(pem: string, texts: readonly SealedText[]): Promise<Revealed[]> {
  const key = await importRevealKey(pem);
  return Promise.all(
    sealedIn(texts).map(async ({ where, sealed }) => {
      try {
        return { where, value: await unseal(key, sealed) };
      } catch {
        return { where, error: "this key does not open it (sealed for another policy key, or damaged)" };
      }
    }),
  );
}
