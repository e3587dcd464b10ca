import { isCardNumber } from "./card-numbers.ts";
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

type Group = { start: number; end: number; sep: string };

/**
 * Card numbers: 13–19 contiguous digits, or the usual groupings (4-4-4-4, 4-4-4-4-1..3, 4-4-4-1..3,
 * 4-6-5 and 4-6-4) with one consistent separator (a space, two spaces, a dot or a dash), with a known
 * issuer prefix and a valid Luhn digit. Arbitrary digits separated by spaces (SVG path data, phone
 * numbers, ISBNs) do not fit the groupings.
 */
function findCards(text: string): Hit[] {
  const hits: Hit[] = [];
  for (const groups of digitRuns(text)) {
    let k = 0;
    while (k < groups.length) {
      const found = cardAt(text, groups, k);
      if (found) {
        hits.push({ start: found.start, end: found.end });
        hits.push(...companions(text, found.end));
        k = found.nextGroup;
      } else k++;
    }
  }
  return hits;
}

/**
 * Runs of digit groups joined by separators, long enough to hold a card (13 digits) and not glued to a
 * letter or digit on either side (an id, a version). One pass over the text, no backtracking.
 */
function digitRuns(text: string): Group[][] {
  const runs: Group[][] = [];
  // Scalars while scanning: groups are built only for the few runs long enough to hold a card (prices,
  // dates and zip codes in a table would otherwise allocate an object per digit group).
  let runStart = -1;
  let digits = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) {
      i++;
      continue;
    }
    if (runStart < 0) runStart = i;
    let end = i;
    while (end < text.length && isDigit(text.charCodeAt(end))) end++;
    digits += end - i;
    // A separator continues the run only when a digit follows it.
    const width = separatorWidth(text, end);
    if (width > 0 && isDigit(text.charCodeAt(end + width))) {
      i = end + width;
      continue;
    }
    if (digits >= 13 && !glued(text, runStart - 1, -1) && !glued(text, end, 1))
      runs.push(groupsOf(text, runStart, end));
    runStart = -1;
    digits = 0;
    i = end;
  }
  return runs;
}

/** The separator after a digit group: a dot, a dash, one space or two. */
function separatorWidth(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c === 46 || c === 45) return 1;
  if (c === 32) return text.charCodeAt(at + 1) === 32 ? 2 : 1;
  return 0;
}

/** The digit groups of one run and the separator before each. */
function groupsOf(text: string, start: number, end: number): Group[] {
  const groups: Group[] = [];
  let i = start;
  while (i < end) {
    let groupEnd = i;
    while (groupEnd < end && isDigit(text.charCodeAt(groupEnd))) groupEnd++;
    const last = groups.at(-1);
    groups.push({ start: i, end: groupEnd, sep: last ? text.slice(last.end, i) : "" });
    i = groupEnd + separatorWidth(text, groupEnd);
  }
  return groups;
}

/**
 * Whether the run touches an identifier at `at` (looking in direction `step`): a letter or digit, or one
 * connector (`-`, `_`, `.`) with a letter or digit behind it, as in `interface-0-6284…`, `ORD-4111…` or
 * `hero.4111….webp`: ids and names rather than a number written for a person. A slash is not a connector:
 * `/cards/4111…/edit` and `4111… 12/27` hold cards.
 */
function glued(text: string, at: number, step: 1 | -1): boolean {
  const c = text.charCodeAt(at);
  if (isWordChar(c)) return true;
  const connector = c === 45 || c === 95 || c === 46;
  return connector && isWordChar(text.charCodeAt(at + step));
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Thirteen digits with at most two separator characters between any two: the least a card is written as.
 * A loop, not a pattern: a backtracking regex over digit-heavy pages (tables of prices) costs more than
 * parsing the page.
 */
export function mayHoldCard(text: string): boolean {
  let digits = 0;
  let gap = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits >= 13) return true;
      gap = 0;
    } else if (digits > 0 && gap < 2 && (c === 32 || c === 46 || c === 45 || c === 43)) gap++;
    else {
      digits = 0;
      gap = 0;
    }
  }
  return false;
}

function isWordChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95
  );
}

const GROUPINGS: ReadonlyArray<readonly number[]> = [
  [4, 4, 4, 4, 3],
  [4, 4, 4, 4, 2],
  [4, 4, 4, 4, 1],
  [4, 4, 4, 4],
  [4, 6, 5],
  [4, 6, 4],
  [4, 4, 4, 3],
  [4, 4, 4, 2],
  [4, 4, 4, 1],
  [4, 4, 5],
];

function cardAt(
  text: string,
  groups: ReadonlyArray<{ start: number; end: number; sep: string }>,
  k: number,
): { start: number; end: number; nextGroup: number } | null {
  const first = groups[k];
  if (!first) return null;
  const firstLength = first.end - first.start;
  if (firstLength >= 13) {
    if (firstLength <= 19 && isCardNumber(text.slice(first.start, first.end)))
      return { start: first.start, end: first.end, nextGroup: k + 1 };
    return null;
  }
  if (firstLength !== 4) return null;
  // Inside a longer run with the same separator (a table of figures), a card must start the run.
  const separator = groups[k + 1]?.sep;
  if (separator === undefined || (k > 0 && first.sep === separator)) return null;
  for (const grouping of GROUPINGS) {
    const last = k + grouping.length - 1;
    if (last >= groups.length) continue;
    let fits = true;
    let digits = "";
    for (let j = 0; j < grouping.length && fits; j++) {
      const group = groups[k + j];
      if (!group || group.end - group.start !== grouping[j] || (j > 0 && group.sep !== separator))
        fits = false;
      else digits += text.slice(group.start, group.end);
    }
    const lastGroup = groups[last];
    if (fits && lastGroup && isCardNumber(digits))
      return { start: first.start, end: lastGroup.end, nextGroup: last + 1 };
  }
  return null;
}

/** An expiry (MM/YY, MM/YYYY) and a CVV written right after a card number, as in "4111… 12/27 123". */
function companions(text: string, from: number): Hit[] {
  const hits: Hit[] = [];
  const window = text.slice(from, from + 48);
  let offset = 0;
  const expiry = /^[^0-9\n]{0,16}?\b(0[1-9]|1[0-2]) ?[/-] ?([0-9]{4}|[0-9]{2})(?![0-9])/.exec(window);
  if (expiry?.[0]) {
    const length = expiry[0].length;
    const valueLength = length - expiry[0].search(/[0-9]/);
    hits.push({ start: from + length - valueLength, end: from + length, kind: "card-expiry" });
    offset = length;
  }
  const cvv = /^[^0-9\n]{0,16}?\b([0-9]{3,4})(?![0-9/.,-])/.exec(window.slice(offset));
  if (cvv?.[1] && /cvv|cvc|csc|cid|code|security|^\s*[/|,;]?\s*$/i.test(cvv[0].slice(0, -cvv[1].length))) {
    const end = from + offset + cvv[0].length;
    hits.push({ start: end - cvv[1].length, end, kind: "card-security-code" });
  }
  return hits;
}

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
