export type {
  AuditAction,
  AuditDetail,
  AuditEntry,
  AuditInput,
  AuditValue,
  AuditVia,
  ChainHead,
  ChainResult,
} from "./audit-entry.ts";
export {
  AUDIT_ACTIONS,
  GENESIS_HEAD,
  actorOf,
  entryHash,
  isAuditAction,
  verifyChain,
} from "./audit-entry.ts";
export type { ExportCheck } from "./audit-export.ts";
export { exportJsonLines, exportLine, exportTrailer, verifyExport } from "./audit-export.ts";
export type { AuditFilter } from "./audit-log.ts";
export { AuditLog } from "./audit-log.ts";
