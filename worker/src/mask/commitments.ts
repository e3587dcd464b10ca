import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";

/**
 * Commitments to removed values, which `prove` checks: whoever holds an original (a card number in a
 * dispute) can show this exchange removed exactly it, though the archive never held it. A commitment is also
 * an oracle: anyone who may call `prove`, or who holds COMMITMENT_SECRET, learns whether a guess was the
 * value. So they are keyed by a secret of their own, never VERBATIM_SECRET (which every hash token and
 * session key of the recorder uses), and a value that can be guessed in a few thousand tries gets none:
 * a redacted 3-digit CVV was recovered through `prove` in 848 requests.
 */

/** Why a removed value has no commitment; the finding says so, and `prove` answers that it cannot tell. */
export type UncommittedReason =
  /** Too few possible values to commit to without handing out the value itself. */
  | "low-entropy"
  /** COMMITMENT_SECRET is not set: no commitments are made at all. */
  | "no-commitment-key";

/**
 * Rules whose values are guessable whatever their length, by the id the policy gives them. The default
 * policy's ids first; the others are ids policy authors give their own rules for the same kinds of value.
 */
const LOW_ENTROPY_RULES: ReadonlyArray<readonly [rule: string, why: string]> = [
  ["card-security-code", "3 or 4 digits: at most 10,000 guesses"],
  ["card-expiry", "a month within a few years: about a hundred guesses"],
  // The default policy's password rule also takes PINs and one-time codes (pin, otp, one-time-code fields).
  ["password", "chosen by people, PINs and one-time codes among them: a dictionary guesses most"],
  ["url-password", "a password, in a URL's userinfo"],
  ["pin", "4 to 6 digits"],
  ["otp", "6 to 8 digits"],
  ["one-time-code", "6 to 8 digits"],
  ["cvv", "3 or 4 digits"],
];
const LOW_ENTROPY_RULE_IDS: ReadonlySet<string> = new Set(LOW_ENTROPY_RULES.map(([rule]) => rule));

/** Shorter than this, any value is guessable: 7 printable characters are under 2^46 (hours on a GPU). */
const MIN_COMMITTED_LENGTH = 8;
/** All-digit values shorter than this (PINs, dates, short account numbers) are under 10^9 guesses. */
const MIN_COMMITTED_DIGITS = 10;

/** The value a commitment is to: card-like values commit to their digits, so any spelling proves alike. */
function canonical(value: string): string {
  return /^[0-9 .-]+$/.test(value) ? value.replace(/[ .-]/g, "") : value;
}

/** Whether a value removed by `rule` is too guessable to commit to: by the rule, and by the value itself. */
export function isLowEntropy(rule: string, value: string): boolean {
  if (LOW_ENTROPY_RULE_IDS.has(rule)) return true;
  const text = canonical(value);
  return text.length < MIN_COMMITTED_LENGTH || (/^[0-9]+$/.test(text) && text.length < MIN_COMMITTED_DIGITS);
}

/** Why a value removed by `rule` gets no commitment under `key`, or null when it gets one. */
export function uncommittedReason(key: string | null, rule: string, value: string): UncommittedReason | null {
  if (key === null) return "no-commitment-key";
  return isLowEntropy(rule, value) ? "low-entropy" : null;
}

const encoder = new TextEncoder();

/** HMAC-SHA-256(COMMITMENT_SECRET, "commit:" + canonical value), its first 128 bits in hex. */
export function commitment(key: string, value: string): string {
  const mac = hmac(sha256, encoder.encode(key), encoder.encode(`commit:${canonical(value)}`));
  let hex = "";
  for (const byte of mac.subarray(0, 16)) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
