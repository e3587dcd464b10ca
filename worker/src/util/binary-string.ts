/**
 * Masking reads bodies as "binary strings": one UTF-16 code unit per byte. Every pattern the masker looks
 * for (tag and attribute names, JSON punctuation, digits) is ASCII, and in every ASCII-compatible charset
 * (UTF-8, ISO-8859-x, Windows-125x, Shift_JIS, EUC-*) those bytes mean the same thing. The mapping is a
 * bijection, so bytes the masker did not touch come back identical, including invalid UTF-8.
 */
const CHUNK = 0x8000;

export function bytesToBinary(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return out;
}

export function binaryToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** UTF-16 is the one charset in use that is not ASCII-compatible; it is masked as decoded text instead. */
export function isUtf16(bytes: Uint8Array, charset: string | null): "utf-16le" | "utf-16be" | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  if (charset === "utf-16" || charset === "utf-16le") return "utf-16le";
  if (charset === "utf-16be") return "utf-16be";
  return null;
}

export function encodeUtf16(text: string, order: "utf-16le" | "utf-16be"): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const [first, second] = order === "utf-16le" ? [unit & 0xff, unit >> 8] : [unit >> 8, unit & 0xff];
    out[2 * i] = first;
    out[2 * i + 1] = second;
  }
  return out;
}
