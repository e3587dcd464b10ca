import type { AuditAction, AuditDetail, AuditInput } from "../audit/index.ts";
import { AUDIT_WRITER } from "../audit/audit-writer.ts";
import type { Env } from "../env.ts";

/** The audit log's writer as the job reaches it (the binding's RPC type is too deep to spell out here). */
export type JobAudit = { append(input: AuditInput): Promise<unknown> };

/** The retention job acts for no principal: the audit log names it so. */
export const RETENTION_ACTOR = "system:retention";

export function jobAudit(env: Pick<Env, "AUDIT">): JobAudit {
  return env.AUDIT.get(env.AUDIT.idFromName(AUDIT_WRITER)) as unknown as JobAudit;
}

/** One entry by the job, through the log's single writer (audit/audit-writer.ts). Throws when not written. */
export async function auditJob(
  audit: JobAudit,
  action: AuditAction,
  target: string | null,
  detail: AuditDetail,
): Promise<void> {
  await audit.append({
    actor: RETENTION_ACTOR,
    roles: [],
    via: "system",
    action,
    target,
    detail,
    source: null,
  });
}
