import type { MaskContext } from "./context.ts";
import { keyedToken } from "./keyed-hash.ts";
import type { CompiledRule } from "./policy/compile-policy.ts";

export const REDACTED = "[REDACTED]";

/**
 * The stored form of a value selected by a rule. An empty value stays empty: nothing was entered. Every
 * application is recorded in the manifest, with a commitment to the removed value for mask and redact.
 */
export function applyAction(rule: CompiledRule, value: string, ctx: MaskContext, location: string): string {
  if (value === "") return value;
  switch (rule.action) {
    case "mask":
      ctx.add(rule.id, location, value);
      return maskCharacters(value, rule.keepLast, rule.maskChar);
    case "redact":
      ctx.add(rule.id, location, value);
      return REDACTED;
    case "hash": {
      ctx.add(rule.id, location);
      // Without a key a token could be reversed by guessing: redact instead.
      if (ctx.secret === null) return REDACTED;
      const token = keyedToken(ctx.secret, rule.customer ? "customer" : rule.id, value);
      if (rule.customer) ctx.customerTokens.add(token);
      return token;
    }
    case "encrypt": {
      ctx.add(rule.id, location);
      // A placeholder the async seal step replaces with ciphertext before anything is stored. Letters and
      // digits only, so it survives URL-encoding in forms and query strings unchanged.
      const marker = `ENCPENDING${ctx.pendingEncryptions.size}X${crypto.randomUUID().replace(/-/g, "")}`;
      ctx.pendingEncryptions.set(marker, value);
      return marker;
    }
  }
}

/**
 * Same-length masking: letters, digits and non-ASCII bytes become `maskChar`, separators stay, and the last
 * `keepLast` letters or digits are kept, so "4242 4242 4242 4242" becomes "XXXX XXXX XXXX 4242".
 */
export function maskCharacters(value: string, keepLast: number, maskChar: string): string {
  let total = 0;
  for (let i = 0; i < value.length; i++) if (isMaskable(value.charCodeAt(i))) total++;
  let seen = 0;
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (!isMaskable(code)) {
      out += value[i];
      continue;
    }
    seen++;
    out += seen > total - keepLast ? value[i] : maskChar;
  }
  return out;
}

/** Offsets of the characters a same-length mask replaces: every letter or digit but the last `keepLast`. */
export function maskedPositions(value: string, keepLast: number): number[] {
  const maskable: number[] = [];
  for (let i = 0; i < value.length; i++) if (isMaskable(value.charCodeAt(i))) maskable.push(i);
  return maskable.slice(0, Math.max(0, maskable.length - keepLast));
}

function isMaskable(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code >= 128
  );
}
