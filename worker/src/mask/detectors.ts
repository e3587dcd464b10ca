import { findCards, mayHoldCard } from "./card-detector.ts";
import { ibanValid } from "./iban.ts";

/**
 * Built-in value detectors, run over a normalised view (see text-view.ts). Each returns spans of the view's
 * text; a span may name a companion rule (`kind`) when it is not the detector's own finding (an expiry date
 * or CVV written right after a card number is masked by the expiry or CVV rule).
 * A policy rule picks a detector by name (`match.detector`); custom rules use `match.value` instead.
 */
export type Hit = { start: number; end: number; kind?: "card-expiry" | "card-security-code" };
export type Detector = {
  /** What a text must contain for the detector to find anything: no cue, no work. */
  cue: RegExp | ((text: string) => boolean);
  find: (text: string) => Hit[];
};

export const DETECTOR_NAMES = [
  "card-number",
  "iban",
  "jwt",
  "bearer",
  "basic-auth",
  "api-key",
  "signed-url",
  "private-key",
] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];

function regexFinder(pattern: RegExp, validate?: (match: string) => boolean): (text: string) => Hit[] {
  return (text) => {
    const hits: Hit[] = [];
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      if (m[0].length === 0) {
        pattern.lastIndex++;
        continue;
      }
      if (!validate || validate(m[0])) hits.push({ start: m.index, end: m.index + m[0].length });
    }
    return hits;
  };
}

/** `Basic <base64 of user:password>`: only when it decodes to printable text with a colon. */
function isBasicCredential(value: string): boolean {
  try {
    const decoded = atob(value);
    return decoded.includes(":") && /^[\x20-\x7e\u00a0-\u00ff]+$/.test(decoded);
  } catch {
    return false;
  }
}

/** Vendor key shapes: the prefixes their issuers document so that leaked keys can be found by scanners. */
const API_KEY =
  /\b(?:(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{35}|npm_[A-Za-z0-9]{36}|SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}|sk-(?:proj-|ant-[a-z0-9]+-)?[A-Za-z0-9_-]{32,})(?![A-Za-z0-9_-])/g;

/**
 * Generated credentials mix at least two of lower case, upper case and digits; documentation placeholders
 * (`YOUR_API_TOKEN`, `secret-token`, `<token>`) do not.
 */
function hasEntropy(value: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((pattern) => pattern.test(value)).length;
  return classes >= 2;
}

/** The mixed case and digits of a generated key; `sk-…` also names CSS classes and slugs. */
function looksGenerated(value: string): boolean {
  return !value.startsWith("sk-") || (/[0-9]/.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value));
}

export const DETECTORS: Readonly<Record<DetectorName, Detector>> = {
  // Thirteen digits with at most two separator characters between any two: the least a card is written as.
  "card-number": { cue: mayHoldCard, find: findCards },
  iban: {
    cue: /[A-Z]{2}[0-9]{2}/,
    find: regexFinder(/\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\b/g, ibanValid),
  },
  // Three base64url segments, the first two JSON objects ("eyJ" is base64 for '{"').
  jwt: {
    cue: /eyJ/,
    find: regexFinder(/\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{8,}/g),
  },
  bearer: {
    cue: /[Bb][Ee][Aa][Rr][Ee][Rr]\s/,
    find: regexFinder(/(?<=\b[Bb][Ee][Aa][Rr][Ee][Rr]\s+)[A-Za-z0-9._~+/-]{8,}=*/g, hasEntropy),
  },
  "basic-auth": {
    cue: /[Bb][Aa][Ss][Ii][Cc]\s/,
    find: regexFinder(
      /(?<=\b[Bb][Aa][Ss][Ii][Cc]\s+)[A-Za-z0-9+/]{4,}={0,2}(?![A-Za-z0-9+/=])/g,
      isBasicCredential,
    ),
  },
  "api-key": {
    cue: /AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|glpat-|xox|_live_|_test_|AIza|npm_|SG\.|sk-/,
    find: regexFinder(API_KEY, looksGenerated),
  },
  // Signed-URL credentials (AWS SigV4, Google V4, CloudFront, Azure SAS): the value of the parameter.
  "signed-url": {
    cue: /[Ss]ignature|[Cc]redential|[Ss]ecurity-[Tt]oken|sig=/,
    find: regexFinder(
      /(?<=[?&](?:[Xx]-(?:[Aa]mz|[Gg]oog)-(?:[Ss]ignature|[Cc]redential|[Ss]ecurity-[Tt]oken)|[Ss]ignature|sig)=)[^&\s"'<>#]+/g,
    ),
  },
  "private-key": {
    cue: /PRIVATE KEY-----/,
    find: regexFinder(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g),
  },
};

export function hasCue(detector: Detector, text: string): boolean {
  return typeof detector.cue === "function" ? detector.cue(text) : detector.cue.test(text);
}
