import type { ConfigResult } from "../config/config.ts";

/**
 * The only thing the recorder answers on the site's own origin (`GET /__verbatim/health`): whether it is
 * configured and recording, for a load balancer or an uptime check. No counters, no archive data: those need
 * the ops role on the console's host.
 */
export function siteHealth(config: ConfigResult): { status: "ok" | "misconfigured"; recording: boolean } {
  return { status: config.ok ? "ok" : "misconfigured", recording: config.ok && config.config.recording };
}
