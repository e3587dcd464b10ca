/**
 * Where masking changed a text, as spans (offset in the original, the original text, its replacement). The
 * walk follows both texts and, at each difference, takes the smallest edit (removed + inserted characters)
 * after which ANCHOR characters agree again. The masker replaces values in place, so spans are short and far
 * apart; preferring the smallest edit keeps repetitive text (escape runs, digit tables) from misaligning.
 */
export type ChangedSpan = { offset: number; removed: string; inserted: string };

/** The largest edit looked for; past it the rest of both texts is reported as one span. */
const MAX_EDIT = 3000;
/** Characters both texts must share to count as agreeing again. */
const ANCHOR = 24;

export function changedSpans(before: string, after: string, limit = Number.POSITIVE_INFINITY): ChangedSpan[] {
  const spans: ChangedSpan[] = [];
  let i = 0;
  let j = 0;
  while (spans.length < limit) {
    while (i < before.length && j < after.length && before[i] === after[j]) {
      i++;
      j++;
    }
    if (i >= before.length && j >= after.length) break;
    const resync = findResync(before, after, i, j);
    if (resync === null) {
      spans.push({ offset: i, removed: before.slice(i), inserted: after.slice(j) });
      break;
    }
    spans.push({ offset: i, removed: before.slice(i, resync.i), inserted: after.slice(j, resync.j) });
    i = resync.i;
    j = resync.j;
  }
  return spans;
}

function findResync(before: string, after: string, i: number, j: number): { i: number; j: number } | null {
  for (let edit = 1; edit <= MAX_EDIT; edit++) {
    for (let removed = 0; removed <= edit; removed++) {
      const a = i + removed;
      const b = j + edit - removed;
      if (a > before.length || b > after.length) continue;
      if (agree(before, after, a, b)) return { i: a, j: b };
    }
  }
  return null;
}

/** Whether the texts agree for ANCHOR characters from these offsets (or to both their ends). */
function agree(before: string, after: string, a: number, b: number): boolean {
  const restBefore = before.length - a;
  const restAfter = after.length - b;
  if (restBefore < ANCHOR || restAfter < ANCHOR) {
    if (restBefore !== restAfter) return false;
  }
  const n = Math.min(ANCHOR, restBefore);
  for (let k = 0; k < n; k++) if (before.charCodeAt(a + k) !== after.charCodeAt(b + k)) return false;
  return true;
}

/** The span with up to `context` characters either side, on one line, for a report. */
export function snippet(before: string, span: ChangedSpan, context = 30): string {
  const start = Math.max(0, span.offset - context);
  const end = Math.min(before.length, span.offset + span.removed.length + context);
  const flat = (text: string) => text.replace(/\s+/g, " ");
  const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
  return (
    (start > 0 ? "…" : "") +
    flat(before.slice(start, span.offset)) +
    `⟦${cut(flat(span.removed), 80)} → ${cut(flat(span.inserted), 80)}⟧` +
    flat(before.slice(span.offset + span.removed.length, end)) +
    (end < before.length ? "…" : "")
  );
}
