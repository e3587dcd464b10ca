import { loadConfig } from "../config/config.ts";
import type { Env } from "../env.ts";
import type { ConsoleKeys } from "./auth/session-cookie.ts";

/** What every console handler needs from the config, checked once by the auth middleware. */
export type ConsoleSettings = ConsoleKeys & { replayHost: string };

export type ConsoleEnv = { Bindings: Env; Variables: { settings: ConsoleSettings } };

const MIN_SECRET_LENGTH = 16;

/**
 * The console works when there is a token to log in with and a secret to key its cookie with. A config that
 * is bad elsewhere (recording off) still leaves the console up, so support can read what was recorded.
 */
export function consoleSettings(env: Env): ConsoleSettings | { disabled: string } {
  const loaded = loadConfig(env);
  const config = loaded.ok ? loaded.config : loaded.passThrough;
  if (!config) return { disabled: "the recorder is misconfigured; see /__verbatim/api/health" };
  if (config.adminToken === null) return { disabled: "the console is disabled: set the ADMIN_TOKEN secret" };
  if (config.secret.length < MIN_SECRET_LENGTH)
    return { disabled: "the console is disabled: set VERBATIM_SECRET (at least 16 characters)" };
  return { secret: config.secret, token: config.adminToken, replayHost: config.replayHost };
}
