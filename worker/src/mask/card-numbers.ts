/**
 * Payment card numbers (PANs). A candidate (a digit run the `card-number` detector found: see detectors.ts)
 * is a card only if its issuer prefix and length fit a known scheme
 * (ISO/IEC 7812 IIN ranges) and its Luhn check digit is right. The prefix table keeps 13-digit
 * epoch-millisecond timestamps, order numbers and prices from being taken for cards.
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
  if (digits.length < 13 || digits.length > 19 || !/^[0-9]+$/.test(digits)) return false;
  const fits = CARD_SCHEMES.some((s) => s.lengths.includes(digits.length) && s.prefix.test(digits));
  return fits && luhnValid(digits);
}
