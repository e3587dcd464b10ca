import { Hono, type Context } from "hono";
import { VerbatimError } from "../errors/verbatim-error.ts";
import type { AccessEnv } from "../front/access-env.ts";
import { audit } from "../front/audit-look.ts";
import { route } from "../front/route-access.ts";
import {
  HoldStore,
  holdView,
  liftRefusal,
  newHold,
  parseHoldId,
  parseHoldRequest,
  parseReason,
  restartCycle,
  retentionStatus,
  runRetention,
} from "../retention/index.ts";
import { indexPartitions } from "../store/partitions.ts";

/**
 * Legal holds and retention for compliance (docs/architecture.md, Retention):
 *   GET  /holds                 every hold, active and lifted, newest first
 *   POST /holds                 {kind: "session"|"customer"|"day", value, reason} → 201 the hold
 *   POST /holds/:id/lift        {reason} → the lifted hold (it stays listed)
 *   GET  /retention             the policy per host with its cutoff, the job's last run, totals, next run
 *   POST /retention/run         one batch of the job now (what the hourly cron would do next)
 * Each is written to the audit log before it is answered or done. Running the job is compliance's, not ops':
 * it deletes records, and only as the policy says (a manual run deletes nothing the cron would not).
 */
export const retentionApi = new Hono<AccessEnv>();

async function jsonBody(c: Context<AccessEnv>, shape: string): Promise<unknown> {
  try {
    return await c.req.json<unknown>();
  } catch {
    throw new VerbatimError("bad_query", `the body must be JSON: ${shape}`);
  }
}

const holds = (c: Context<AccessEnv>) => new HoldStore(indexPartitions(c.env));
const who = (c: Context<AccessEnv>) => c.get("principal")?.id ?? "unknown";

route(retentionApi, "GET", "/holds", "compliance", async (c) => {
  await audit(c, "hold.read", null);
  return c.json({ holds: (await holds(c).list()).map(holdView) });
});

route(retentionApi, "POST", "/holds", "compliance", async (c) => {
  const body = await jsonBody(c, '{"kind": "session"|"customer"|"day", "value", "reason"}');
  const request = parseHoldRequest(body, c.get("config").secret);
  const hold = newHold(request, who(c), Date.now());
  await audit(c, "hold", hold.id, { kind: hold.kind, value: hold.value, reason: hold.reason });
  await holds(c).insert(hold);
  c.header("cache-control", "no-store");
  return c.json(holdView(hold), 201);
});

route(retentionApi, "POST", "/holds/:id/lift", "compliance", async (c) => {
  const id = parseHoldId(c.req.param("id"));
  const body = await jsonBody(c, '{"reason"}');
  const reason = parseReason((body as Record<string, unknown> | null)?.["reason"], "lifting a hold");
  const store = holds(c);
  const hold = await store.get(id);
  const refused = liftRefusal(hold, id);
  if (refused) throw refused;
  await audit(c, "hold.release", id, { kind: hold?.kind ?? null, value: hold?.value ?? null, reason });
  // Someone else lifted it in the meantime: say so rather than report a lift that did not happen.
  if (!(await store.lift(id, reason, who(c), Date.now())))
    throw liftRefusal(await store.get(id), id) ?? new VerbatimError("internal", "the hold was not lifted");
  await restartCycle(c.env);
  const lifted = await store.get(id);
  if (!lifted) throw new VerbatimError("not_found", `no legal hold ${id}`);
  return c.json(holdView(lifted));
});

route(retentionApi, "GET", "/retention", "compliance", async (c) => {
  await audit(c, "retention.read", null);
  const all = await holds(c).list();
  return c.json(await retentionStatus(c.env, c.get("config").retention, all, Date.now()));
});

route(retentionApi, "POST", "/retention/run", "compliance", async (c) => {
  await audit(c, "retention.run", null);
  const result = await runRetention(c.env, Date.now(), {
    trigger: "manual",
    requestedBy: who(c),
    force: true,
    limits: { batches: 1 },
  });
  return c.json(result);
});
