import type { Hono } from "hono";
import { AuditLog, isAuditAction, type AuditFilter } from "../../audit/index.ts";
import { VerbatimError } from "../../errors/verbatim-error.ts";
import type { AccessEnv } from "../../front/access-env.ts";
import { audit } from "../../front/audit-look.ts";
import { route } from "../../front/route-access.ts";
import { parseTime } from "../../read/query.ts";
import { CONSOLE_ROOT } from "../console-root.ts";
import { AuditPage, type AuditQuery } from "../pages/audit-page.tsx";
import { forViewer } from "../pages/viewer.tsx";
import { viewerZone } from "./viewer-zone.ts";

const PAGE_SIZE = 50;

/** GET /__verbatim/audit: the audit log for compliance, newest first (reading it is itself audited). */
export function auditRoutes(app: Hono<AccessEnv>): void {
  route(app, "GET", `${CONSOLE_ROOT}audit`, "compliance", async (c) => {
    const zone = viewerZone(c);
    const q = c.req.query();
    const query: AuditQuery = {
      actor: q.actor ?? "",
      action: q.action ?? "",
      from: q.from ?? "",
      to: q.to ?? "",
    };
    const filter: AuditFilter = { order: "desc", limit: PAGE_SIZE };
    let message: string | null = null;
    try {
      if (query.actor !== "") filter.actor = query.actor;
      if (query.action !== "") {
        if (!isAuditAction(query.action))
          throw new VerbatimError("bad_query", `"${query.action}" is not an audited action`);
        filter.action = query.action;
      }
      if (query.from !== "") filter.from = parseTime("from", query.from, 0);
      if (query.to !== "") filter.to = parseTime("to", query.to, Date.now());
      if (q.before && /^\d{1,15}$/.test(q.before)) filter.beforeSeq = Number(q.before);
    } catch (error) {
      if (!(error instanceof VerbatimError) || error.code !== "bad_query") throw error;
      message = error.message;
    }
    const verify = q.verify === "1";
    await audit(c, "audit.read", null, { ...filter, ...(verify ? { verify: true } : {}) });
    const log = new AuditLog(c.env.DB);
    const [entries, chain] = await Promise.all([
      message === null ? log.list(filter) : Promise.resolve([]),
      verify ? log.verify() : Promise.resolve(null),
    ]);
    const params = (extra: Record<string, string>) =>
      `?${new URLSearchParams({ ...Object.fromEntries(Object.entries(query).filter(([, v]) => v !== "")), ...extra })}`;
    const last = entries.at(-1);
    return c.html(
      forViewer(
        c.get("principal"),
        AuditPage({
          query,
          entries,
          chain: chain === null ? null : chain.ok ? { ok: true, seq: chain.head.seq } : chain,
          verifyHref: `${CONSOLE_ROOT}audit${params({ verify: "1" })}`,
          exportHref: `${CONSOLE_ROOT}api/audit/export${params({ limit: "100000" })}`,
          older:
            entries.length === PAGE_SIZE && last
              ? `${CONSOLE_ROOT}audit${params({ before: String(last.seq) })}`
              : null,
          zone,
          message,
        }),
      ),
      message === null ? 200 : 400,
    );
  });
}
