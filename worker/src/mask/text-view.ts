/**
 * A normalised view of parts of a body, with a map back to the original bytes. Detectors (card numbers,
 * tokens, keys) run over the view, where `&#52;`, `%34`, `\u0034` and a full-width `４` are all "4", an NBSP is
 * a space and text split across `<span>`s is joined; each match is then mapped back to the original spans
 * and masked there, so every byte outside them stays as sent.
 *
 * `text[i]` came from `source.slice(starts[i], ends[i])`. A view may join several discontiguous source
 * ranges (the text nodes of a page); a `BREAK` character separates ranges that are not adjacent in reading
 * order, so no match spans a block boundary.
 */
export const BREAK = "\n";

export class TextView {
  #text: string[] = [];
  #starts: number[] = [];
  #ends: number[] = [];

  /** One normalised character standing for `source[start, end)`. */
  push(char: string, start: number, end: number): void {
    this.#text.push(char);
    this.#starts.push(start);
    this.#ends.push(end);
  }

  /** A break between ranges that must not be read as one run (block elements, separate attributes). */
  break(at: number): void {
    if (this.#text.length > 0 && this.#text[this.#text.length - 1] !== BREAK) this.push(BREAK, at, at);
  }

  get length(): number {
    return this.#text.length;
  }

  /** The normalised text. Built once per view; detectors share it. */
  toString(): string {
    return this.#text.join("");
  }

  start(index: number): number {
    return this.#starts[index] ?? 0;
  }

  end(index: number): number {
    return this.#ends[index] ?? 0;
  }
}
