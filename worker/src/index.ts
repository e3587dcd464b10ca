import { Hono } from "hono";
import { api } from "./api/routes.ts";
import { loadConfig } from "./config/config.ts";
import { consoleApp } from "./console/index.ts";
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

const app = new Hono<{ Bindings: Env }>();

app.route(`${RECORDER_PREFIX}/api`, api);
// The support console: full paths under /__verbatim/, so it is mounted at the root.
app.route("/", consoleApp);
app.all(`${RECORDER_PREFIX}/*`, () => {
  throw new VerbatimError(
    "not_found",
    "no such page: the console is at /__verbatim/, the API under /__verbatim/api/",
  );
});

app.all("*", (c) => {
  const loaded = loadConfig(c.env);
  const config = loaded.ok ? loaded.config : loaded.passThrough;
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
// the Durable Object class the RECORDER binding names.
export { RecordingShard } from "./recorder/recording-shard.ts";

/** Queue names as in wrangler.toml: the records queue and its dead-letter queue. */
const DEAD_LETTER_QUEUE = /-dlq$/;

export default {
  fetch(request, env, ctx) {
    if (counters.startedAt === 0) counters.startedAt = Date.now();
    // Replay origins are answered from the archive alone: never proxied, never recorded.
    if (isReplayRequest(request, env)) return handleReplay(request, env, ctx);
    return app.fetch(request, env, ctx);
  },
  async queue(batch, env) {
    const { acked } = DEAD_LETTER_QUEUE.test(batch.queue)
      ? await consumeDeadLetters(batch, env)
      : await consumeRecords(batch, env);
    counters.recordsSettled += acked;
  },
} satisfies ExportedHandler<Env>;
