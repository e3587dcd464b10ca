import type { ContentClass } from "../snapshot/content-class.ts";

/**
 * A body cut short (cap reached, stream broken) may end inside a secret the masker can no longer recognise:
 * the first twelve digits of a card number, or an unterminated `<input type=password value="hun`. Before
 * masking such a body, the recorder drops the unfinished tail: for markup everything after the last `>`,
 * for anything a trailing run of digits and separators. What is kept is a prefix of what was sent.
 */
const MAX_DIGIT_RUN = 64;

export function safePrefix(bytes: Uint8Array, contentClass: ContentClass, isMarkup: boolean): Uint8Array {
  let end = bytes.length;
  if (contentClass === "html" || isMarkup) {
    const lastClose = bytes.lastIndexOf(0x3e /* > */);
    end = lastClose < 0 ? 0 : lastClose + 1;
  }
  let trimmed = 0;
  while (end > 0 && trimmed < MAX_DIGIT_RUN && isDigitOrSeparator(bytes[end - 1] ?? 0)) {
    end--;
    trimmed++;
  }
  return bytes.subarray(0, end);
}

function isDigitOrSeparator(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || byte === 0x20 || byte === 0x2d || byte === 0x2b || byte === 0x25;
}
