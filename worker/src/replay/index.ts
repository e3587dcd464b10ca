/** Replay: recorded page views served from their own origins, from the archive only. */
export { handleReplay, isReplayRequest } from "./replay-app.ts";
export { parseReplayHost, replayLabel, replayUrl, isReplayHost, type ReplayTarget } from "./replay-host.ts";
export {
  decide,
  matchExchange,
  nearestAfter,
  nearestBefore,
  type Candidate,
  type Decision,
} from "./select-exchange.ts";
export { personalReason, pickSharedCapture } from "./shared-capture.ts";
export { rewriteBody } from "./rewrite-body.ts";
export { rewriteHtml } from "./rewrite-html.ts";
export { rewriteCss } from "./rewrite-css.ts";
export { siteOriginOf, rewriteUrl, type SiteOrigin } from "./site-origin.ts";
export { replayCsp, consoleOrigins, CSP_REPORT_PATH } from "./csp.ts";
