import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../worker/src/index.ts";
import type { Env } from "../../worker/src/env.ts";
import { DEMO_TOKEN_OF } from "../../worker/src/access/demo-tokens.ts";
import { counters } from "../../worker/src/log/health-counters.ts";

export const SITE = "https://shop.example";
/** The console's own host (CONSOLE_HOST's default): a loopback name, so the demo credentials work. */
export const CONSOLE = "https://console.localhost";
/** Local-dev credentials per role (worker/src/front/local-credentials.ts). */
export const DEMO = DEMO_TOKEN_OF;

export type Visit = { response: Response; body: Uint8Array; text: string };

/**
 * Sends one request through the recorder Worker (with the test's real local R2 and D1), reads the
 * visitor's body to the end, then waits for the background recording to finish.
 */
export async function visit(request: Request, overrides: Partial<Env> = {}): Promise<Visit> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(asIncoming(request), { ...env, ...overrides } as Env, ctx);
  const body = new Uint8Array(await response.arrayBuffer());
  await waitOnExecutionContext(ctx);
  await indexed();
  return { response, body, text: new TextDecoder().decode(body) };
}

/**
 * Waits until every exchange handed off has reached its shard and the records queue's consumer has indexed
 * every record the shards queued. In the test runtime the visitor's side, the shards, the consumer and the
 * test share one isolate, so their counters are one object.
 */
export async function indexed(timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (counters.handOffsWaiting > 0 || counters.recordsQueued > counters.recordsSettled) {
    if (Date.now() > until)
      throw new Error(
        `hand-offs waiting ${counters.handOffsWaiting}, records queued ${counters.recordsQueued}, settled ${counters.recordsSettled}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Fetches the same path straight from an origin, bypassing the recorder: what the visitor should get. */
export async function direct(origin: string, path: string, init: RequestInit = {}): Promise<Visit> {
  const response = await fetch(new Request(origin + path, { ...init, redirect: "manual" }));
  const body = new Uint8Array(await response.arrayBuffer());
  return { response, body, text: new TextDecoder().decode(body) };
}

/** The ops API (health, config, policy) needs ops; everything else is read as compliance (⊇ support). */
const OPS_PATHS = /^\/(health|config|policy)\b/;

/** GET on the console host's API with the local demo credential of the role that path needs. */
export function adminGet(
  path: string,
  token: string = OPS_PATHS.test(path) ? DEMO.ops : DEMO.compliance,
): Promise<Visit> {
  return visit(
    new Request(`${CONSOLE}/__verbatim/api${path}`, { headers: { authorization: `Bearer ${token}` } }),
  );
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Test requests are built by the test, not by the edge: they carry no `cf` object. */
export function asIncoming(request: Request): Request<unknown, IncomingRequestCfProperties> {
  return request as Request<unknown, IncomingRequestCfProperties>;
}
