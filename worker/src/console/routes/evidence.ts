import type { Hono } from "hono";
import { VerbatimError } from "../../errors/verbatim-error.ts";
import { evidenceLog } from "../../evidence/evidence-log.ts";
import { logVerifierKey } from "../../evidence/log-keys.ts";
import type { AccessEnv } from "../../front/access-env.ts";
import { audit } from "../../front/audit-look.ts";
import { route } from "../../front/route-access.ts";
import { CONSOLE_ROOT } from "../console-root.ts";
import { EvidencePage } from "../pages/evidence-page.tsx";
import { forViewer } from "../pages/viewer.tsx";
import { viewerZone } from "./viewer-zone.ts";

const RECENT_HEADS = 24;

/**
 * GET /__verbatim/evidence (the log's size, recent signed heads and published key) and POST
 * /__verbatim/evidence/heads (sign a head now, then back to the page). Compliance; audited as the API is.
 */
export function evidenceRoutes(app: Hono<AccessEnv>): void {
  route(app, "GET", `${CONSOLE_ROOT}evidence`, "compliance", async (c) => {
    const zone = viewerZone(c);
    await audit(c, "evidence.read", null, { what: "heads" });
    const log = evidenceLog(c.env);
    const [heads, size, key] = await Promise.all([
      log.heads(RECENT_HEADS),
      log.size(),
      logVerifierKey(c.env).then(
        (key) => ({ ok: true, key }) as const,
        (error: unknown) => {
          if (error instanceof VerbatimError && error.code === "not_configured")
            return { ok: false, message: error.message } as const;
          throw error;
        },
      ),
    ]);
    const signed = c.req.query("signed");
    return c.html(
      forViewer(
        c.get("principal"),
        EvidencePage({
          size,
          heads,
          key,
          signed: signed !== undefined && /^\d{1,15}$/.test(signed) ? Number(signed) : null,
          zone,
        }),
      ),
    );
  });

  route(app, "POST", `${CONSOLE_ROOT}evidence/heads`, "compliance", async (c) => {
    // Refused here, with its reason, before the log's object tries (an error over RPC loses its code).
    await logVerifierKey(c.env);
    await audit(c, "evidence.sign", null);
    const head = await evidenceLog(c.env).sign();
    return c.redirect(`${CONSOLE_ROOT}evidence?signed=${head.size}`, 303);
  });
}
