import { log } from "../log/log.ts";
import type { Config } from "./config.ts";
import { sameSite } from "./sites.ts";

const seen = new Map<string, string | null>();
const MAX_HOSTS = 1000;

/**
 * Why a site host may not be recorded under this config, or null. The site's host is known only from its
 * requests (a route pattern can serve many), so the Public Suffix List check that config.ts makes between
 * CONSOLE_HOST and REPLAY_HOST is made here for each site host, once per isolate, and logged once.
 */
export function siteHostProblem(host: string, config: Config): string | null {
  const name = host.toLowerCase();
  const known = seen.get(name);
  if (known !== undefined) return known;
  const problem = sameSite(name, config.consoleHost)
    ? "shares a registrable domain with CONSOLE_HOST"
    : sameSite(name, config.replayHost)
      ? "shares a registrable domain with REPLAY_HOST"
      : null;
  if (problem !== null) log("error", "site_host_same_site", { problem });
  if (seen.size >= MAX_HOSTS) seen.clear();
  seen.set(name, problem);
  return problem;
}
