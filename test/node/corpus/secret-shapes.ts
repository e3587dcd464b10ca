import type { ChangedSpan } from "./changed-spans.ts";

/**
 * The allow-list of the corpus test: the shapes a masked value may have. A change whose removed text is not
 * covered by one of these is a false positive. The shapes are written independently of the masker's rules
 * (and stricter than a detector needs to be): they judge its output, so they must not share its mistakes.
 */
type SecretShape = {
  name: string;
  /** False for personal data that is not a secret: named in the report, but still a false positive. */
  secret: boolean;
  pattern: RegExp;
  /** How far either side of a change the value may start or end. */
  reach: number;
  valid: (match: string) => boolean;
};

/** Issuer prefixes (IIN ranges) of the card schemes in ISO/IEC 7812 use: Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay. */
const CARD_PREFIX =
  /^(?:4|5[1-5]|2(?:2[2-9]|[3-6]|7[01]|720)|3[47]|6(?:011|5|4[4-9])|35(?:2[89]|[3-8])|3(?:0[0-5]|[68])|62)/;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

function ibanValid(text: string): boolean {
  const compact = text.replace(/ /g, "");
  const moved = compact.slice(4) + compact.slice(0, 4);
  let rest = 0;
  for (const char of moved) {
    const value = /[A-Z]/.test(char) ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest === 1;
}

function jwtHeaderValid(token: string): boolean {
  const header = token.split(".")[0] ?? "";
  try {
    const base64 = header.replace(/-/g, "+").replace(/_/g, "/");
    const json: unknown = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "=")));
    return typeof json === "object" && json !== null && "alg" in json;
  } catch {
    return false;
  }
}

export const SECRET_SHAPES: readonly SecretShape[] = [
  {
    // 13-19 digits, contiguous or in the printed groupings with one separator; never part of a longer
    // number, a decimal, an identifier or a list of numbers.
    name: "card number",
    secret: true,
    pattern:
      /(?<![0-9A-Za-z.,_$-])(?:[0-9]{13,19}|[0-9]{4}([ -])[0-9]{4}\1[0-9]{4}\1[0-9]{4}(?:\1[0-9]{1,3})?|[0-9]{4}([ -])[0-9]{6}\2[0-9]{5})(?![0-9A-Za-z.,_$-])/g,
    reach: 40,
    valid: (match) => {
      const digits = match.replace(/[ -]/g, "");
      return CARD_PREFIX.test(digits) && luhn(digits);
    },
  },
  {
    name: "JWT",
    secret: true,
    pattern: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
    reach: 2000,
    valid: jwtHeaderValid,
  },
  {
    // RFC 6750 section 2.1: the credential after "Bearer" in an Authorization header or a string holding one.
    name: "bearer token",
    secret: true,
    pattern: /\bBearer +[A-Za-z0-9\-._~+/]{8,}=*/g,
    reach: 400,
    valid: () => true,
  },
  {
    // RFC 7617: "Basic" and base64 of user:password.
    name: "basic credential",
    secret: true,
    pattern: /\bBasic +[A-Za-z0-9+/]{4,}={0,2}/g,
    reach: 400,
    valid: (match) => {
      try {
        return atob(match.replace(/^Basic +/, "")).includes(":");
      } catch {
        return false;
      }
    },
  },
  {
    name: "IBAN",
    secret: true,
    pattern: /\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g,
    reach: 40,
    valid: ibanValid,
  },
  {
    name: "private key",
    secret: true,
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]{0,8000}?-----END [A-Z ]*PRIVATE KEY-----/g,
    reach: 8200,
    valid: () => true,
  },
  {
    name: "API key",
    secret: true,
    pattern:
      /\b(?:[sprk]k_(?:live|test)_[0-9A-Za-z]{16,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35})\b/g,
    reach: 200,
    valid: () => true,
  },
  {
    // The default policy hashes e-mail addresses as customer identifiers. Personal data, not a secret: the
    // report names it, the test counts it as a false positive (a package author's address is public).
    name: "e-mail address (personal data, not a secret)",
    secret: false,
    pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
    reach: 200,
    valid: () => true,
  },
];

export type ShapeVerdict = { name: string; secret: boolean };

/** The shape whose value covers this change, or null: a change that removed no recognisable value. */
export function shapeOf(text: string, span: ChangedSpan): ShapeVerdict | null {
  const spanStart = span.offset;
  const spanEnd = span.offset + Math.max(1, span.removed.length);
  for (const shape of SECRET_SHAPES) {
    const from = Math.max(0, spanStart - shape.reach);
    const window = text.slice(from, Math.min(text.length, spanEnd + shape.reach));
    shape.pattern.lastIndex = 0;
    for (const match of window.matchAll(shape.pattern)) {
      const start = from + match.index;
      const end = start + match[0].length;
      if (start <= spanStart && end >= spanEnd && shape.valid(match[0]))
        return { name: shape.name, secret: shape.secret };
    }
  }
  return null;
}
