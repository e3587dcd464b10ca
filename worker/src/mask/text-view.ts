/**
 * A normalised view of parts of a body, with a map back to the original bytes. Detectors (card numbers,
 * tokens, keys) run over the view, where `&#52;`, `%34`, `\u0034` and a full-width `４` are all "4", an NBSP is
 * a space and text split across `<span>`s is joined; each match is then mapped back to the original spans
 * and masked there, so every byte outside them stays as sent.
 *
 * `text[i]` came from `source.slice(start(i), end(i))`. A view may join several discontiguous source
 * ranges (the text nodes of a page); a `BREAK` character separates ranges that are not adjacent in reading
 * order, so no match spans a block boundary. The map is kept as segments: a run copied as is maps one to
 * one, a decoded character (an entity, an escape, a UTF-8 sequence) maps to its whole source span.
 */
export const BREAK = "\n";

export class TextView {
  #parts: string[] = [];
  #length = 0;
  #text: string | null = null;
  /** Per segment: where it starts in the view, where it came from, and whether it was copied as is. */
  #viewStarts: number[] = [];
  #sourceStarts: number[] = [];
  #sourceEnds: number[] = [];
  #copied: boolean[] = [];
  /** The view ends with a break (or is empty): a further break adds nothing. */
  #atBreak = true;

  /** One normalised character standing for `source[start, end)`. */
  push(char: string, start: number, end: number): void {
    this.#segment(char, start, end, false);
  }

  /** `text`, copied unchanged from `source[start, start + text.length)`. */
  pushRun(text: string, start: number): void {
    if (text.length > 0) this.#segment(text, start, start + text.length, true);
  }

  #segment(text: string, start: number, end: number, copied: boolean): void {
    this.#viewStarts.push(this.#length);
    this.#sourceStarts.push(start);
    this.#sourceEnds.push(end);
    this.#copied.push(copied);
    this.#parts.push(text);
    this.#length += text.length;
    this.#atBreak = text === BREAK;
    this.#text = null;
  }

  /** A break between ranges that must not be read as one run (block elements, separate attributes). */
  break(at: number): void {
    if (!this.#atBreak) this.push(BREAK, at, at);
  }

  /** Nothing yet, or a break last: white space here joins nothing. */
  get atBreak(): boolean {
    return this.#atBreak;
  }

  get length(): number {
    return this.#length;
  }

  /** The normalised text. Built once; detectors share it. */
  toString(): string {
    this.#text ??= this.#parts.join("");
    return this.#text;
  }

  start(index: number): number {
    const s = this.#segmentOf(index);
    const base = this.#sourceStarts[s] ?? 0;
    return this.#copied[s] ? base + index - (this.#viewStarts[s] ?? 0) : base;
  }

  end(index: number): number {
    const s = this.#segmentOf(index);
    return this.#copied[s]
      ? (this.#sourceStarts[s] ?? 0) + index - (this.#viewStarts[s] ?? 0) + 1
      : (this.#sourceEnds[s] ?? 0);
  }

  #segmentOf(index: number): number {
    let lo = 0;
    let hi = this.#viewStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#viewStarts[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
