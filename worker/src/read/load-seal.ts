import type { Env } from "../env.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { evidenceLog } from "../evidence/evidence-log.ts";
import { logVerifierKey } from "../evidence/log-keys.ts";
import type { ExchangeRow } from "../record/rows.ts";
import { checkSealed, type LogCheck } from "./verify-exchange.ts";

/** Where an exchange stands in the evidence log, or why that cannot be told here. */
export type Seal = LogCheck | { status: "unavailable"; head: null; detail: string };

/**
 * The log half of verify-exchange.ts for a page that shows one exchange. A deployment without a log key
 * still replays: the page says the log cannot be checked instead of refusing to show the recording.
 */
export async function loadSeal(env: Env, row: ExchangeRow): Promise<Seal> {
  let key: string;
  try {
    key = await logVerifierKey(env);
  } catch (error) {
    if (error instanceof VerbatimError && error.code === "not_configured")
      return { status: "unavailable", head: null, detail: error.message };
    throw error;
  }
  return checkSealed(row, evidenceLog(env), key);
}
