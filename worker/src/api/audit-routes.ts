import { Hono } from "hono";
import {
  AuditLog,
  exportJsonLines,
  isAuditAction,
  type AuditEntry,
  type AuditFilter,
} from "../audit/index.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import type { AccessEnv } from "../front/access-env.ts";
import { audit } from "../front/audit-look.ts";
import { route } from "../front/route-access.ts";
import { parseLimit, parseTime } from "../read/query.ts";

/**
 * The audit log for compliance: `GET /audit` (filter by actor, action, from, to; page with `after`),
 * `GET /audit/export` (the same filter as JSON Lines, ending with the chain head, verifiable offline), and
 * `GET /audit/verify` (walks the whole chain). Reading it is itself audited. Nothing here edits or deletes.
 */
export const auditApi = new Hono<AccessEnv>();

function parseFilter(q: Readonly<Record<string, string | undefined>>, maxLimit: number): AuditFilter {
  const action = q.action;
  if (action !== undefined && action !== "" && !isAuditAction(action))
    throw new VerbatimError("bad_query", `action "${action}" is not an audited action`);
  const after = q.after === undefined || q.after === "" ? undefined : Number(q.after);
  if (after !== undefined && (!Number.isInteger(after) || after < 0))
    throw new VerbatimError("bad_query", "after must be a sequence number (a whole number)");
  const filter: AuditFilter = { limit: parseLimit(q.limit, 100, maxLimit) };
  if (q.actor) filter.actor = q.actor;
  if (action) filter.action = action;
  if (q.from) filter.from = parseTime("from", q.from, 0);
  if (q.to) filter.to = parseTime("to", q.to, Date.now());
  if (after !== undefined) filter.afterSeq = after;
  return filter;
}

route(auditApi, "GET", "/", "compliance", async (c) => {
  const filter = parseFilter(c.req.query(), 1000);
  await audit(c, "audit.read", null, { ...filter });
  const entries = await new AuditLog(c.env.DB).list(filter);
  const last = entries.at(-1);
  return c.json({ entries, next: entries.length === filter.limit && last ? last.seq : null });
});

route(auditApi, "GET", "/export", "compliance", async (c) => {
  const filter = parseFilter(c.req.query(), 100_000);
  await audit(c, "audit.export", null, { ...filter });
  const log = new AuditLog(c.env.DB);
  const head = await log.head();
  // Paged through in the log's largest pages, up to the asked-for limit (100,000 at most per file).
  const wanted = filter.limit ?? 100;
  const entries: AuditEntry[] = [];
  for (;;) {
    const page = await log.list({ ...filter, limit: Math.min(1000, wanted - entries.length) });
    entries.push(...page);
    const last = page.at(-1);
    if (last === undefined || page.length < 1000 || entries.length >= wanted) break;
    filter.afterSeq = last.seq;
  }
  return new Response(exportJsonLines(entries, head), {
    headers: {
      "content-type": "application/x-ndjson",
      "content-disposition": 'attachment; filename="verbatim-audit.jsonl"',
      "cache-control": "no-store",
    },
  });
});

route(auditApi, "GET", "/verify", "compliance", async (c) => {
  await audit(c, "audit.read", null, { verify: true });
  return c.json(await new AuditLog(c.env.DB).verify());
});
