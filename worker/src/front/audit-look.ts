import type { Context } from "hono";
import { actorOf, AuditLog, type AuditAction, type AuditDetail } from "../audit/index.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import type { AccessEnv } from "./access-env.ts";
import { clientOf } from "./authenticate.ts";

/**
 * Writes one audit entry for what the principal is about to see or do, before it is shown or done: a look
 * that cannot be written down is not served (503), so the log misses nothing that happened.
 */
export async function audit(
  c: Context<AccessEnv>,
  action: AuditAction,
  target: string | null,
  detail: AuditDetail = {},
): Promise<void> {
  const principal = c.get("principal");
  const who = principal ? actorOf(principal) : { actor: "anonymous", roles: [], via: "none" as const };
  try {
    await new AuditLog(c.env.DB).append({ ...who, action, target, detail, source: clientOf(c) });
  } catch (error) {
    throw new VerbatimError(
      "storage_unavailable",
      "the audit log could not be written, so this is not shown",
      {
        cause: error,
      },
    );
  }
}
