/**
 * Rewriting reads bodies as "binary strings", one UTF-16 code unit per byte, like the masker does: every
 * pattern it looks for (tag and attribute names, `url(`, the site's origin) is ASCII, which means the same in
 * every ASCII-compatible charset, and the mapping is a bijection, so bytes it does not touch come back
 * identical (invalid UTF-8 included). Kept here rather than imported from mask/ so replay does not depend on
 * the masker's internals.
 */
const CHUNK = 0x8000;

export function bytesToBinary(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return out;
}

export function binaryToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}
