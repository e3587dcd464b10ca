import type { Context } from "hono";
import { actorOf, type AuditAction, type AuditDetail, type AuditInput } from "../audit/index.ts";
import { AUDIT_WRITER } from "../audit/audit-writer.ts";
import { VerbatimError } from "../errors/verbatim-error.ts";
import { log } from "../log/log.ts";
import type { AccessEnv } from "./access-env.ts";
import { clientOf } from "./client.ts";

/**
 * Writes one audit entry for what the principal is about to see or do, before it is shown or done, through
 * the log's single writer (audit/audit-writer.ts): a look that cannot be written down is not served (503),
 * so the log misses nothing that happened.
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
    // Typed plainly: the RPC stub's mapping of the recursive detail type is too deep for the compiler.
    const writer = c.env.AUDIT.get(c.env.AUDIT.idFromName(AUDIT_WRITER)) as unknown as {
      append(input: AuditInput): Promise<unknown>;
    };
    await writer.append({ ...who, action, target, detail, source: clientOf(c) });
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

/**
 * The same entry, for what happens whether or not it is written down (a failed sign-in is refused anyway):
 * a failure to write is logged, not thrown.
 */
export async function auditQuietly(
  c: Context<AccessEnv>,
  action: AuditAction,
  target: string | null,
  detail: AuditDetail = {},
): Promise<void> {
  try {
    await audit(c, action, target, detail);
  } catch {
    log("warn", "audit_not_written", { action });
  }
}
