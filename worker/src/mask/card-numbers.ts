import type { MaskReport } from "./report.ts";

/**
 * Payment card numbers (PANs) in free text. A candidate is 13–19 digits with optional single spaces or
 * dashes between them; it is a card only if its issuer prefix and length fit a known scheme (ISO/IEC 7812
 * IIN ranges) and its Luhn check digit is right. The prefix table keeps 13-digit epoch-millisecond
 * timestamps, order numbers and prices from being taken for cards.
 *
 * Masking keeps the last four digits (PCI DSS 3.4.1 display rule) and the separators, so the masked text
 * has the same length and a replayed page keeps its layout.
 */
const CARD_SCHEMES: ReadonlyArray<{ scheme: string; prefix: RegExp; lengths: readonly number[] }> = [
  { scheme: "visa", prefix: /^4/, lengths: [13, 16, 19] },
  { scheme: "mastercard", prefix: /^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/, lengths: [16] },
  { scheme: "amex", prefix: /^3[47]/, lengths: [15] },
  { scheme: "discover", prefix: /^(6011|65|64[4-9])/, lengths: [16, 17, 18, 19] },
  { scheme: "jcb", prefix: /^35(2[89]|[3-8]\d)/, lengths: [16, 17, 18, 19] },
  { scheme: "diners", prefix: /^(30[0-5]|309|36|3[89])/, lengths: [14, 15, 16, 17, 18, 19] },
  { scheme: "unionpay", prefix: /^62/, lengths: [16, 17, 18, 19] },
  { scheme: "maestro", prefix: /^(50|5[6-9]|6\d)/, lengths: [13, 14, 15, 16, 17, 18, 19] },
];

const CANDIDATE = /(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])/g;
export const CARD_MASK_CHAR = "X";

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function isCardNumber(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  const fits = CARD_SCHEMES.some((s) => s.lengths.includes(digits.length) && s.prefix.test(digits));
  return fits && luhnValid(digits);
}

/** Replaces every digit but the last four with `fill`, keeping separators where they were. */
export function maskCardDigits(text: string, fill = CARD_MASK_CHAR): string {
  const total = text.replace(/[^0-9]/g, "").length;
  let seen = 0;
  let out = "";
  for (const ch of text) {
    if (ch >= "0" && ch <= "9") {
      seen++;
      out += seen > total - 4 ? ch : fill;
    } else out += ch;
  }
  return out;
}

/** Masks every card number in `text`; counts them into `report` under `location`. */
export function maskCardNumbers(text: string, report: MaskReport, location: string): string {
  // Fast exit: most bodies have no run of 13+ digits at all.
  if (!/[0-9]{4}/.test(text)) return text;
  let count = 0;
  const out = text.replace(CANDIDATE, (match) => {
    const digits = match.replace(/[ -]/g, "");
    if (!isCardNumber(digits)) return match;
    count++;
    return maskCardDigits(match);
  });
  report.add("card-number", location, count);
  return out;
}
