import { randomBytes, randomInt } from "node:crypto";

/**
 * The values a test types or is issued that must never be stored, and every form in which they could be:
 * the recorder stores masked copies, so none of these byte strings may appear in R2, D1, Miniflare's files
 * or anything the read API returns.
 */
export type Secret = { label: string; value: string };

/** A password no page contains by chance: random, with characters that percent- and JSON-encoding change. */
export function newPassword(tag: string): string {
  return `${tag}-${randomBytes(6).toString("hex")}-ü#!`;
}

/** A random 16-digit Visa-range number with a valid Luhn check digit (ISO/IEC 7812-1 annex B). */
export function newCardNumber(): string {
  const digits = [4];
  while (digits.length < 15) digits.push(randomInt(10));
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    // From the right, the check digit is position 1: positions 2, 4, ... (i even here) are doubled.
    const d = digits[14 - i] ?? 0;
    const doubled = i % 2 === 0 ? d * 2 : d;
    sum += doubled > 9 ? doubled - 9 : doubled;
  }
  digits.push((10 - (sum % 10)) % 10);
  return digits.join("");
}

export function luhnValid(number: string): boolean {
  let sum = 0;
  [...number].reverse().forEach((c, i) => {
    const d = Number(c) * (i % 2 === 1 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  });
  return sum % 10 === 0;
}

/** How a secret can look once stored; each variant names its encoding for the failure report. */
export type Needle = { secret: string; encoding: string; bytes: Buffer };

/** Base64 of `value` as it appears when embedded at byte offset 0, 1 or 2 of a longer base64 text. */
function base64Alignments(value: Buffer, alphabet: "base64" | "base64url"): string[] {
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const text = Buffer.concat([Buffer.alloc(k), value])
      .toString(alphabet)
      .replace(/=+$/, "");
    // Keep only the characters whose six bits all come from `value`.
    const start = Math.ceil((8 * k) / 6);
    const end = Math.floor((8 * (k + value.length)) / 6);
    if (end - start >= 8) out.push(text.slice(start, end));
  }
  return out;
}

function utf16be(value: string): Buffer {
  const le = Buffer.from(value, "utf16le");
  for (let i = 0; i + 1 < le.length; i += 2) {
    const a = le[i] ?? 0;
    le[i] = le[i + 1] ?? 0;
    le[i + 1] = a;
  }
  return le;
}

/** JSON string contents as JSON.stringify writes them, and as PHP's json_encode does (\u escapes, \/). */
function jsonForms(value: string): string[] {
  const plain = JSON.stringify(value).slice(1, -1);
  const ascii = plain.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return [plain, ascii, ascii.replace(/\//g, "\\/")];
}

/** Text forms: raw, percent (component, form with `+`, lower-case hex, twice), JSON-escaped. */
function textForms(value: string): Array<[string, string]> {
  const component = encodeURIComponent(value);
  const form = component.replace(/%20/g, "+");
  // Browsers' form serializer (WHATWG application/x-www-form-urlencoded) also encodes ! ' ( ) ~.
  const whatwg = new URLSearchParams([["", value]]).toString().slice(1);
  const strict = component.replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const lower = component.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
  const forms: Array<[string, string]> = [
    ["raw", value],
    ["percent", component],
    ["percent (form, +)", form],
    ["percent (form serializer)", whatwg],
    ["percent (RFC 3986 strict)", strict],
    ["percent (lower-case hex)", lower],
    ["percent (twice)", encodeURIComponent(component)],
    ["percent (form serializer, twice)", new URLSearchParams([["", whatwg]]).toString().slice(1)],
    ["percent (encodeURI, then form)", encodeURIComponent(encodeURI(value))],
  ];
  for (const json of jsonForms(value)) forms.push(["JSON-escaped", json]);
  return forms;
}

export function needles(secrets: readonly Secret[]): Needle[] {
  const out: Needle[] = [];
  const seen = new Set<string>();
  const add = (secret: Secret, encoding: string, bytes: Buffer) => {
    const key = `${secret.label}\u0000${bytes.toString("hex")}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ secret: secret.label, encoding, bytes });
  };
  for (const secret of secrets) {
    for (const [name, text] of textForms(secret.value)) {
      add(secret, name, Buffer.from(text, "utf8"));
      add(secret, `${name}, UTF-16LE`, Buffer.from(text, "utf16le"));
      add(secret, `${name}, UTF-16BE`, utf16be(text));
    }
    add(secret, "hex", Buffer.from(Buffer.from(secret.value, "utf8").toString("hex"), "utf8"));
    for (const alphabet of ["base64", "base64url"] as const) {
      for (const form of [secret.value, encodeURIComponent(secret.value)]) {
        for (const [k, text] of base64Alignments(Buffer.from(form, "utf8"), alphabet).entries()) {
          const name = `${alphabet} (offset ${k})${form === secret.value ? "" : " of percent form"}`;
          add(secret, name, Buffer.from(text, "utf8"));
        }
      }
    }
  }
  return out;
}

/** Card numbers also as typed or shown in groups of four. */
export function cardSecrets(label: string, number: string): Secret[] {
  const groups = number.match(/.{1,4}/g) ?? [number];
  return [
    { label, value: number },
    { label: `${label} (spaced)`, value: groups.join(" ") },
    { label: `${label} (dashed)`, value: groups.join("-") },
  ];
}
