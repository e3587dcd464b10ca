import type { Context, Hono } from "hono";
import { VerbatimError } from "../../errors/verbatim-error.ts";
import type { AccessEnv } from "../../front/access-env.ts";
import { audit } from "../../front/audit-look.ts";
import { route } from "../../front/route-access.ts";
import {
  HoldStore,
  liftRefusal,
  newHold,
  parseHoldId,
  parseHoldRequest,
  parseReason,
  restartCycle,
  retentionStatus,
} from "../../retention/index.ts";
import { indexPartitions } from "../../store/partitions.ts";
import { CONSOLE_ROOT } from "../console-root.ts";
import { HoldsPage, type HoldForm } from "../pages/holds-page.tsx";
import { viewerZone } from "./viewer-zone.ts";

const EMPTY: HoldForm = { kind: "session", value: "", reason: "" };

/**
 * Legal holds in the console (compliance): GET /__verbatim/holds lists them with the retention policy and the
 * job's last run; the forms POST to /__verbatim/holds (place) and /__verbatim/holds/:id/lift, which redirect
 * back (the console host's CSRF check admits only forms from its own origin). Every look and action is
 * audited first, as in the API (api/retention-routes.ts).
 */
export function holdsRoutes(app: Hono<AccessEnv>): void {
  route(app, "GET", `${CONSOLE_ROOT}holds`, "compliance", async (c) => {
    const done = c.req.query("done");
    const notice =
      done === "placed" ? "The hold is in force." : done === "lifted" ? "The hold is lifted." : null;
    return page(c, EMPTY, null, notice, 200);
  });

  route(app, "POST", `${CONSOLE_ROOT}holds`, "compliance", async (c) => {
    const fields = await c.req.parseBody();
    const form: HoldForm = {
      kind: text(fields["kind"]),
      value: text(fields["value"]),
      reason: text(fields["reason"]),
    };
    try {
      const hold = newHold(parseHoldRequest(form, c.get("config").secret), who(c), Date.now());
      await audit(c, "hold", hold.id, { kind: hold.kind, value: hold.value, reason: hold.reason });
      await store(c).insert(hold);
    } catch (error) {
      if (error instanceof VerbatimError && error.code === "bad_query")
        return page(c, form, error.message, null, 400);
      throw error;
    }
    return c.redirect(`${CONSOLE_ROOT}holds?done=placed`, 303);
  });

  route(app, "POST", `${CONSOLE_ROOT}holds/:id/lift`, "compliance", async (c) => {
    const fields = await c.req.parseBody();
    try {
      const id = parseHoldId(c.req.param("id"));
      const reason = parseReason(text(fields["reason"]), "lifting a hold");
      const holds = store(c);
      const hold = await holds.get(id);
      const refused = liftRefusal(hold, id);
      if (refused) throw refused;
      await audit(c, "hold.release", id, { kind: hold?.kind ?? null, value: hold?.value ?? null, reason });
      if (!(await holds.lift(id, reason, who(c), Date.now())))
        throw (
          liftRefusal(await holds.get(id), id) ?? new VerbatimError("internal", "the hold was not lifted")
        );
      await restartCycle(c.env);
    } catch (error) {
      if (error instanceof VerbatimError && error.code === "bad_query")
        return page(c, EMPTY, error.message, null, 400);
      throw error;
    }
    return c.redirect(`${CONSOLE_ROOT}holds?done=lifted`, 303);
  });
}

async function page(
  c: Context<AccessEnv>,
  form: HoldForm,
  message: string | null,
  notice: string | null,
  status: 200 | 400,
): Promise<Response> {
  const zone = viewerZone(c);
  await audit(c, "hold.read", null, { retention: true });
  const holds = await store(c).list();
  const retention = await retentionStatus(c.env, c.get("config").retention, holds, Date.now());
  return c.html(HoldsPage({ holds, status: retention, form, zone, message, notice }), status);
}

const store = (c: Context<AccessEnv>) => new HoldStore(indexPartitions(c.env));
const who = (c: Context<AccessEnv>) => c.get("principal")?.id ?? "unknown";
const text = (value: unknown) => (typeof value === "string" ? value : "");
