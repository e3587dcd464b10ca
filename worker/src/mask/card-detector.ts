import { isCardNumber } from "./card-numbers.ts";
import type { Hit } from "./detectors.ts";

type Group = { start: number; end: number; sep: string };

/**
 * Card numbers: 13–19 contiguous digits, or the usual groupings (4-4-4-4, 4-4-4-4-1..3, 4-4-4-1..3,
 * 4-6-5 and 4-6-4) with one consistent separator (a space, two spaces, a dot or a dash), with a known
 * issuer prefix and a valid Luhn digit. Arbitrary digits separated by spaces (SVG path data, phone
 * numbers, ISBNs) do not fit the groupings.
 */
export function findCards(text: string): Hit[] {
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
