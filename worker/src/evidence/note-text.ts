/**
 * What the checkpoint and signed-note code share: its one error type, the text rules of golang.org/x/mod/sumdb/note
 * (no control characters but newline, well-formed UTF-8), and base64 as note writes it (standard, padded).
 */

export const CHECKPOINT_ERROR_CODES = [
  "malformed-checkpoint",
  "malformed-key",
  "bad-name",
  "bad-body",
] as const;
export type CheckpointErrorCode = (typeof CHECKPOINT_ERROR_CODES)[number];

/** Bad input to the evidence formats: a malformed checkpoint, key string, key name or note body. */
export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
  readonly code: CheckpointErrorCode;
  constructor(code: CheckpointErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Control characters other than newline are not allowed anywhere in a note (note.Open). */
export const FORBIDDEN_CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
export const WHITESPACE = /\s/u;
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

export function bytesToBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

export function base64ToBytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
