/**
 * Replay origins. A page view replays on a host of its own, `<session id>--<page view id>.<replay host>`:
 * the page's own root-relative URLs (`/static/site.css`, `fetch("/api/quote")`) then resolve to the replay
 * origin without rewriting, the origin is never the console's (no shared cookies), and the host says which
 * recording and which moment every subresource request is answered from. DNS labels are case-insensitive
 * and at most 63 characters: 32 hex + "--" + 26 base32 = 60.
 */
export type ReplayTarget = { sessionId: string; pageViewId: string };

const LABEL = /^([0-9a-f]{32})--([0-9a-hjkmnp-tv-z]{26})$/;

export function replayLabel(target: ReplayTarget): string {
  return `${target.sessionId}--${target.pageViewId.toLowerCase()}`;
}

/** The replay target named by a request's host, or null when the host is not a replay host. */
export function parseReplayHost(host: string, replayHost: string): ReplayTarget | null {
  const name = host.toLowerCase().replace(/:\d+$/, "");
  const suffix = `.${replayHost}`;
  if (!name.endsWith(suffix)) return null;
  const match = LABEL.exec(name.slice(0, -suffix.length));
  if (!match?.[1] || !match[2]) return null;
  return { sessionId: match[1], pageViewId: match[2].toUpperCase() };
}

export function isReplayHost(host: string, replayHost: string): boolean {
  const name = host.toLowerCase().replace(/:\d+$/, "");
  return name === replayHost || name.endsWith(`.${replayHost}`);
}

/**
 * The URL at which a recorded page view replays. `siteUrl` is the recorded URL; `requestUrl` is any URL of
 * the console (its scheme and port are reused, so locally http://…replay.localhost:8787 just works).
 */
export function replayUrl(
  target: ReplayTarget,
  siteUrl: string,
  requestUrl: string,
  replayHost: string,
): string {
  const site = new URL(siteUrl);
  const here = new URL(requestUrl);
  return `${here.protocol}//${replayLabel(target)}.${replayHost}${here.port ? `:${here.port}` : ""}${site.pathname}${site.search}`;
}
