import type { MaskContext } from "./context.ts";
import type { Decoding } from "./decoders.ts";
import { applyEdits } from "../util/edits.ts";
import { AS_IS, detectInView, mayHoldValues, viewOf, type Escape } from "./value-detection.ts";

export type ValueOptions = {
  /** The one layer of encoding the text is written in (entities in HTML, percent in forms, escapes in JSON). */
  decoding?: Decoding;
  /** The text is a binary string (one character per byte), so UTF-8 sequences are read as characters. */
  binary?: boolean;
  /** How a replacement is written back. */
  escape?: Escape;
};

/**
 * Applies every value rule (cards, IBANs, JWTs, bearer and Basic credentials, API keys, signed-URL
 * parameters, custom patterns) to `text`, through its normalised view; only the matched spans change.
 */
export function maskValues(
  text: string,
  ctx: MaskContext,
  location: string,
  options: ValueOptions = {},
): string {
  if (text === "" || !mayHoldValues(text, ctx)) return text;
  const view = viewOf(text, 0, text.length, options.decoding ?? "plain", options.binary ?? false);
  return applyEdits(text, detectInView(view, ctx, location, options.escape ?? AS_IS));
}
