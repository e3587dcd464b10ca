import type { ContentClass } from "../snapshot/content-class.ts";

/**
 * Content sniffing for bodies whose label cannot be trusted (WHATWG MIME Sniffing, in spirit): a missing
 * type, `text/plain`, `application/octet-stream`, or a binary type whose magic bytes do not match. JSON
 * sent as text/plain is still JSON to the server that reads it, so it is masked as JSON.
 */
const MAGIC: ReadonlyArray<readonly [string, number[]]> = [
  ["png", [0x89, 0x50, 0x4e, 0x47]],
  ["jpeg", [0xff, 0xd8, 0xff]],
  ["gif", [0x47, 0x49, 0x46, 0x38]],
  ["webp/wav", [0x52, 0x49, 0x46, 0x46]],
  ["ico", [0x00, 0x00, 0x01, 0x00]],
  ["bmp", [0x42, 0x4d]],
  ["woff", [0x77, 0x4f, 0x46, 0x46]],
  ["woff2", [0x77, 0x4f, 0x46, 0x32]],
  ["truetype", [0x00, 0x01, 0x00, 0x00]],
  ["opentype", [0x4f, 0x54, 0x54, 0x4f]],
  ["ttc", [0x74, 0x74, 0x63, 0x66]],
  ["eot", [0x02, 0x00, 0x02, 0x00]],
  ["pdf", [0x25, 0x50, 0x44, 0x46]],
  ["zip", [0x50, 0x4b, 0x03, 0x04]],
  ["gzip", [0x1f, 0x8b]],
  ["wasm", [0x00, 0x61, 0x73, 0x6d]],
  ["ogg", [0x4f, 0x67, 0x67, 0x53]],
  ["mp3", [0x49, 0x44, 0x33]],
  ["webm", [0x1a, 0x45, 0xdf, 0xa3]],
];

/** Classes that declare binary bodies: trusted only when the bytes start like one of the MAGIC formats. */
const BINARY_CLASSES: ReadonlySet<ContentClass> = new Set(["image", "font"]);
/** Classes that declare nothing useful about structure. */
const UNTRUSTED_CLASSES: ReadonlySet<ContentClass> = new Set(["text", "other"]);

export function hasBinaryMagic(bytes: Uint8Array): boolean {
  if (bytes.length >= 12 && bytes[4] === 0x66 && bytes[5] === 0x74 && bytes[6] === 0x79 && bytes[7] === 0x70)
    return true; // ISO media (mp4, avif, heic): "ftyp" at offset 4
  return MAGIC.some(([, magic]) => magic.every((byte, i) => bytes[i] === byte));
}

export type Sniffed = ContentClass | "binary";

/**
 * The class to mask a body as. Declared structured classes (html, json, js, css, form, multipart) are
 * kept; a binary label is kept only when the magic bytes agree; anything else is sniffed from its start.
 */
export function sniffClass(bytes: Uint8Array, declared: ContentClass, isSvg: boolean): Sniffed {
  if (BINARY_CLASSES.has(declared) && !isSvg) {
    if (hasBinaryMagic(bytes)) return "binary";
  } else if (!UNTRUSTED_CLASSES.has(declared)) return declared;
  if (hasBinaryMagic(bytes)) return "binary";
  const head = firstText(bytes);
  if (/^[{[]/.test(head)) return "json";
  if (/^<(?:!doctype|html|head|body|svg|\?xml|!--|[a-z][a-z0-9-]*[\s>/])/i.test(head)) return "html";
  if (/^--[^\r\n]{1,70}\r?\n[Cc]ontent-/.test(head)) return "multipart";
  if (/^[A-Za-z0-9_.~%+[\]-]+=[^\s&]*(?:&[A-Za-z0-9_.~%+[\]-]+=[^\s&]*)*$/.test(head) && !head.includes(" "))
    return "form";
  if (/^(?:query|mutation|subscription|fragment)\b|^\{\s*[A-Za-z_]/.test(head)) return "json";
  return looksLikeText(bytes) ? "text" : "binary";
}

/** The start of the body as text, without a BOM or leading white space. */
function firstText(bytes: Uint8Array): string {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  let head = "";
  for (let i = start; i < Math.min(bytes.length, start + 512); i++)
    head += String.fromCharCode(bytes[i] ?? 0);
  return head.trimStart();
}

/** Text, not binary: no NUL bytes and few control characters in the first 4 KiB. */
function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0) return false;
    if (b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 12) control++;
  }
  return control <= n / 100;
}

/** The boundary of a multipart body whose Content-Type did not give one: its first line. */
export function sniffBoundary(bytes: Uint8Array): string | null {
  const head = firstText(bytes);
  const m = /^--([^\r\n]{1,70})\r?\n/.exec(head);
  return m?.[1] ?? null;
}

/**
 * UTF-16 without a BOM: text in UTF-16 has a zero byte in every other position for ASCII characters.
 * Little-endian puts them at odd offsets, big-endian at even ones.
 */
export function sniffUtf16(bytes: Uint8Array): "utf-16le" | "utf-16be" | null {
  const n = Math.min(bytes.length, 1024) & ~1;
  if (n < 8) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.6 && evenZero < pairs * 0.1) return "utf-16le";
  if (evenZero > pairs * 0.6 && oddZero < pairs * 0.1) return "utf-16be";
  return null;
}
