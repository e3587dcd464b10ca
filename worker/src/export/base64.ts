import { bytesToBase64 } from "../evidence/note-text.ts";

/**
 * Standard base64 (RFC 4648 §4) of any size of input: evidence/note-text.ts's encoder spreads its input
 * into one call, which overflows the stack for a large body, so the body goes through it in pieces whose
 * length is a multiple of 3 (the pieces' encodings then concatenate into the whole's).
 */
const PIECE = 3 * 0x2000;

export function base64Of(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += PIECE) out += bytesToBase64(bytes.subarray(i, i + PIECE));
  return out;
}
