import { readStores, type ReadStores } from "../store/record-reader.ts";
import { loadConfig, type Config } from "../config/config.ts";
import type { Env } from "../env.ts";
import { errorKind, log } from "../log/log.ts";
import { ArchiveReader } from "../store/archive-reader.ts";
import { R2BlobStore } from "../store/blob-store.ts";
import { ReplayReader } from "../store/replay-reader.ts";
import { archivedSubresources } from "./archived-subresource.ts";
import { consoleOrigins, CSP_REPORT_PATH } from "./csp.ts";
import { blockedEvents } from "./csp-report.ts";
import { GUARD_PATH } from "./egress-guard.ts";
import { entryUrl, GRANT_PATH, grantFromCookie, refusedDestination } from "./replay-access.ts";
import { exchangeGrant, guardResponse, noGrantPage } from "./replay-door.ts";
import { replayedForm } from "./replayed-form.ts";
import { eventAllowed, writeEvents, type ReplayEvent } from "./replay-events.ts";
import { ENTRY_TTL_MS, sealGrant, verifyReplayGrant, type VerifiedGrant } from "./replay-grant.ts";
import { replayOnlyHeaders } from "./replay-headers.ts";
import { isReplayHost, parseReplayHost, type ReplayTarget } from "./replay-host.ts";
import { comparableUrl, isNavigation, maskReplayRequest } from "./replay-request.ts";
import { answerResponse, pageResponse, type ResponseContext } from "./replay-response.ts";
import { targetProblem } from "./replay-target.ts";
import { resolveAnswer } from "./resolve-answer.ts";
import { decide, showsPageView } from "./select-exchange.ts";
import { siteOriginOf } from "./site-origin.ts";

/** Paths replay answers itself on every replay origin; nothing under it is ever looked up in the archive. */
const OWN_PREFIX = "/__verbatim-replay/";
const METHODS_WITHOUT_BODY: ReadonlySet<string> = new Set(["GET", "HEAD"]);

/** The config replay runs with: replay needs the recorder's key (hash tokens), not a working origin. */
function replayConfig(env: Env): Config | null {
  const loaded = loadConfig(env);
  const config = loaded.ok ? loaded.config : loaded.reading;
  return config.secret !== "" ? config : null;
}

/** Whether a request is for a replay origin: those are answered from the archive only, never proxied. */
export function isReplayRequest(request: Request, env: Env): boolean {
  const loaded = loadConfig(env);
  const config = loaded.ok ? loaded.config : loaded.reading;
  return isReplayHost(new URL(request.url).host, config.replayHost);
}

/**
 * Answers a request to `<session>--<page view>.<REPLAY_HOST>` from the archive: never from the live origin
 * or any third party, never with a recorded cookie. Never throws: every failure is a page that says so.
 */
export async function handleReplay(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const navigation = isNavigation(request.method, request.headers);
  try {
    return await replay(request, env, ctx, navigation);
  } catch (error) {
    log("error", "replay_failed", { kind: errorKind(error) });
    return pageResponse(
      { request, navigation, frameAncestors: [] },
      {
        status: 500,
        title: "Replay failed",
        message: "Replay hit an unexpected error; it is logged.",
        back: null,
      },
      "error",
    );
  }
}

async function replay(
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  navigation: boolean,
): Promise<Response> {
  const url = new URL(request.url);
  const config = replayConfig(env);
  if (!config) {
    return pageResponse(
      { request, navigation, frameAncestors: [] },
      {
        status: 503,
        title: "Replay unavailable",
        message:
          "The recorder has no VERBATIM_SECRET, so requests cannot be masked to match the archive; see /__verbatim/api/health.",
        back: null,
      },
      "unavailable",
    );
  }
  const frameAncestors = consoleOrigins(config.consoleHost, url);
  const bare = { request, navigation, frameAncestors };
  const target = parseReplayHost(url.host, config.replayHost);
  if (!target) {
    return pageResponse(
      bare,
      {
        status: 400,
        title: "Not a replay origin",
        message: `Replays live at <session id>--<page view id>.${config.replayHost}; open them from the console.`,
        back: null,
      },
      "bad-request",
    );
  }
  // The guard holds no data and must load even when the grant ran out between a page and its first script.
  if (url.pathname === GUARD_PATH && request.method === "GET") return guardResponse(frameAncestors);
  const refused = refusedDestination(request.headers);
  if (refused) return noGrantPage(bare, `Refused: ${refused}.`);
  const problem = targetProblem(url.pathname + url.search);
  if (problem) {
    return pageResponse(
      bare,
      { status: problem.status, title: "Bad replay URL", message: `Refused: ${problem.reason}.`, back: null },
      "bad-request",
    );
  }
  const now = Date.now();
  if (url.pathname === GRANT_PATH) return exchangeGrant(url, target, config.secret, now, bare);
  const grant = await verifyReplayGrant(
    config.secret,
    grantFromCookie(request.headers.get("cookie")) ?? "",
    target.sessionId,
    now,
    "cookie",
  );
  if (!grant)
    return noGrantPage(bare, "This browser holds no grant for this session's replay, or it has expired.");

  const reader = new ReplayReader(readStores(env));
  const pageView = await reader.pageView(target.sessionId, target.pageViewId);
  if (!pageView) {
    const session = await new ArchiveReader(readStores(env)).getSession(target.sessionId);
    return pageResponse(
      bare,
      {
        status: 404,
        title: session ? "Unknown page view" : "Unknown session",
        message: session
          ? `Session ${target.sessionId} has no recorded page view ${target.pageViewId}.`
          : `No session ${target.sessionId} is recorded.`,
        back: null,
      },
      "unknown",
    );
  }

  const site = siteOriginOf(pageView.url);
  const back = new URL(pageView.url).pathname + new URL(pageView.url).search;
  const blobs = new R2BlobStore(env.BLOBS);
  // Scripts' URLs to the site are rewritten to this origin; a subresource of the page is requested from it too.
  const replayOrigin = url.origin;
  const rctx: ResponseContext = {
    request,
    navigation,
    site,
    replayOrigin,
    frameAncestors,
    blobs,
    subresources: archivedSubresources({
      reader,
      blobs,
      pageView,
      secret: config.secret,
      site,
      replayOrigin,
    }),
  };

  if (url.pathname === CSP_REPORT_PATH && request.method === "POST") {
    const allowed = await eventAllowed(env, target, grant);
    if (allowed) {
      const events = await blockedEvents(request, target, config.secret, now);
      ctx.waitUntil(writeEvents(readStores(env), target, events).catch(logEventFailure));
    }
    return new Response(null, {
      status: allowed ? 204 : 429,
      headers: replayOnlyHeaders({
        frameAncestors,
        outcome: allowed ? "report" : "rate-limited",
        exchangeId: null,
      }),
    });
  }
  if (url.pathname.startsWith(OWN_PREFIX) || request.headers.get("service-worker") === "script") {
    // A service worker registered on a replay origin would outlive the replay and answer for it.
    return pageResponse(
      rctx,
      { status: 404, title: "Not replayed", message: "Verbatim does not replay this.", back },
      "refused",
    );
  }

  const body = METHODS_WITHOUT_BODY.has(request.method) ? null : new Uint8Array(await request.arrayBuffer());
  const siteUrl = site.origin + url.pathname + url.search;
  const contentType = request.headers.get("content-type");
  const masked = await maskReplayRequest({
    url: siteUrl,
    body,
    contentType,
    secret: config.secret,
    declaredForm: await replayedForm(request.method, siteUrl, body, contentType, config.secret, env.DB),
  });
  const wanted = { method: request.method, url: masked.url, bodyDigest: masked.bodyDigest, navigation };
  // Loading the page view itself (the common case) needs no other row: one D1 query fewer.
  const rows = showsPageView(comparable(pageView), wanted)
    ? [pageView]
    : await reader.matchCandidates(target.sessionId, masked.url, { sealed: masked.sealed });
  const decision = decide(comparable(pageView), rows.map(comparable), wanted);

  if (decision.kind === "redirect") {
    const next = { sessionId: target.sessionId, pageViewId: decision.pageView.id };
    const headers = replayOnlyHeaders({
      frameAncestors,
      outcome: "redirect",
      exchangeId: decision.pageView.id,
    });
    // The next page view is another origin, where this browser holds no cookie yet: it enters with a grant
    // for the same viewer, ending when this one does.
    const entry = await sealGrant(config.secret, {
      sessionId: target.sessionId,
      viewerHash: grant.viewerHash,
      expiresAt: now + ENTRY_TTL_MS,
      until: grant.until,
      use: "entry",
    });
    const to = new URL(decision.pageView.url);
    headers.set("location", entryUrl(next, to.pathname + to.search, entry, request.url, config.replayHost));
    // 303 turns a form post into the GET that shows the page view it produced (RFC 9110 §15.4.4).
    return new Response(null, { status: METHODS_WITHOUT_BODY.has(request.method) ? 302 : 303, headers });
  }

  // Decisions were made on comparable copies; answers are built from the rows as stored.
  const original =
    decision.kind === "serve" ? (rows.find((row) => row.id === decision.row.id) ?? pageView) : null;
  const answer = await resolveAnswer(
    decision.kind === "serve" && original ? { ...decision, row: original } : decision,
    reader,
    { url: masked.url, at: pageView.started_at, navigation, method: request.method },
  );
  if (answer) return answerResponse(answer, rctx);

  ctx.waitUntil(
    recordLimited(env, readStores(env), target, grant, {
      at: now,
      session_id: target.sessionId,
      page_view_id: target.pageViewId,
      kind: "not_recorded",
      url: masked.url,
    }).catch(logEventFailure),
  );
  return pageResponse(
    rctx,
    {
      status: 404,
      title: "Not recorded in this session",
      message: `${request.method} ${masked.url} was not recorded in this session, so replay cannot show it (the live site is never asked).`,
      back,
    },
    "not-recorded",
  );
}

/** One "not recorded" event, within the grant's rate limit and the page view's cap. */
async function recordLimited(
  env: Env,
  stores: ReadStores,
  target: ReplayTarget,
  grant: VerifiedGrant,
  event: ReplayEvent,
): Promise<void> {
  if (await eventAllowed(env, target, grant)) await writeEvents(stores, target, [event]);
}

/** Rows with `encrypt`-sealed URL parts made comparable with a masked replay request. */
function comparable<T extends { url: string }>(row: T): T {
  const url = comparableUrl(row.url);
  return url === row.url ? row : { ...row, url };
}

function logEventFailure(error: unknown): void {
  log("warn", "replay_event_not_written", { kind: errorKind(error) });
}
