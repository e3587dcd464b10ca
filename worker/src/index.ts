import { Hono } from "hono";
import { siteHealth } from "./api/site-health.ts";
import { loadConfig } from "./config/config.ts";
import { siteHostProblem } from "./config/site-host.ts";
import { consoleHost } from "./console-host.ts";
import type { Env } from "./env.ts";
import { VerbatimError } from "./errors/verbatim-error.ts";
import { errorKind, log } from "./log/log.ts";
import { badGatewayPage } from "./proxy/error-page.ts";
import { proxyVisit } from "./proxy/proxy-visit.ts";
import { counters } from "./log/health-counters.ts";
import { shardName } from "./capture/shard-key.ts";
import { consumeRecords } from "./persist/consume-records.ts";
import { consumeDeadLetters } from "./persist/dead-letters.ts";
import { RECORDER_PREFIX } from "./recorder-paths.ts";
import { handleReplay, isReplayRequest } from "./replay/index.ts";
import { runScheduled } from "./scheduled.ts";

const app = new Hono<{ Bindings: Env }>();

// On the site's origin the recorder answers nothing but a minimal health status: the console and its API
// live on CONSOLE_HOST (console-host.ts), out of reach of any script running on a live page.
app.get(`${RECORDER_PREFIX}/health`, (c) =>
  c.json(siteHealth(loadConfig(c.env)), 200, { "cache-control": "no-store" }),
);
app.all(`${RECORDER_PREFIX}/*`, () => {
  throw new VerbatimError("not_found", "not found");
});

app.all("*", (c) => {
  const loaded = loadConfig(c.env);
  const configured = loaded.ok ? loaded.config : loaded.passThrough;
  // A site on the console's or the replays' registrable domain would be same-site with them: it is still
  // proxied (the visitor never pays) but not recorded until ops move one of them (logged once per host).
  const config =
    configured && siteHostProblem(new URL(c.req.url).hostname, configured) !== null
      ? { ...configured, recording: false }
      : configured;
  if (!config) {
    log("error", "config_invalid_origin");
    return new Response(badGatewayPage("The recorder in front of this site is misconfigured."), {
      status: 502,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    });
  }
  return proxyVisit(c.req.raw, {
    config,
    ctx: c.executionCtx as ExecutionContext,
    recorder: (shard) => c.env.RECORDER.get(c.env.RECORDER.idFromName(shardName(shard))),
  });
});

app.onError((error, c) => {
  if (error instanceof VerbatimError) return error.toResponse();
  log("error", "unhandled", {
    kind: errorKind(error),
    path: new URL(c.req.url).pathname.startsWith(RECORDER_PREFIX),
  });
  return new VerbatimError("internal", "internal error").toResponse();
});

// The runtime treats every export of the main module as an entrypoint: export nothing but the handler and
// the classes the RECORDER, AUDIT and EVIDENCE bindings (Durable Objects) and EXPORTS (a Workflow) name.
export { RecordingShard } from "./recorder/recording-shard.ts";
export { AuditWriter } from "./audit/audit-writer.ts";
export { EvidenceLog } from "./evidence/evidence-log.ts";
export { ExportWorkflow } from "./export-job/export-workflow.ts";

/** Whether a request is for the console's own host (CONSOLE_HOST, any port). */
function isConsoleRequest(request: Request, env: Env): boolean {
  // From the raw var: with ORIGIN unusable there is no config, and the console must still say why.
  const consoleHost = (env.CONSOLE_HOST ?? "console.localhost").trim().toLowerCase();
  return new URL(request.url).hostname.toLowerCase() === consoleHost;
}

/** Queue names as in wrangler.toml: the records queue and its dead-letter queue. */
const DEAD_LETTER_QUEUE = /-dlq$/;

export default {
  fetch(request, env, ctx) {
    if (counters.startedAt === 0) counters.startedAt = Date.now();
    // Replay origins are answered from the archive alone: never proxied, never recorded.
    if (isReplayRequest(request, env)) return handleReplay(request, env, ctx);
    if (isConsoleRequest(request, env)) return consoleHost.fetch(request, env, ctx);
    return app.fetch(request, env, ctx);
  },
  async queue(batch, env) {
    const { acked } = DEAD_LETTER_QUEUE.test(batch.queue)
      ? await consumeDeadLetters(batch, env)
      : await consumeRecords(batch, env);
    counters.recordsSettled += acked;
  },
  async scheduled(controller, env) {
    await runScheduled(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
