/** A replacement of `text.slice(start, end)`. Edits never overlap: each belongs to one token (a masked value, a URL). */
export type Edit = { start: number; end: number; text: string };

/**
 * The same edits applied to bytes, where the text was their binary string (one character per byte):
 * untouched ranges are copied natively instead of rebuilding a string and converting it back byte by byte.
 */
export function applyEditsToBytes(bytes: Uint8Array, edits: readonly Edit[]): Uint8Array {
  if (edits.length === 0) return bytes;
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const kept: Edit[] = [];
  let at = 0;
  let length = bytes.length;
  for (const edit of sorted) {
    if (edit.start < at) continue;
    kept.push(edit);
    length += edit.text.length - (edit.end - edit.start);
    at = edit.end;
  }
  const out = new Uint8Array(length);
  let from = 0;
  let to = 0;
  for (const edit of kept) {
    out.set(bytes.subarray(from, edit.start), to);
    to += edit.start - from;
    for (let i = 0; i < edit.text.length; i++) out[to++] = edit.text.charCodeAt(i) & 0xff;
    from = edit.end;
  }
  out.set(bytes.subarray(from), to);
  return out;
}

export function applyEdits(text: string, edits: readonly Edit[]): string {
  if (edits.length === 0) return text;
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at) continue;
    parts.push(text.slice(at, edit.start), edit.text);
    at = edit.end;
  }
  parts.push(text.slice(at));
  return parts.join("");
}
