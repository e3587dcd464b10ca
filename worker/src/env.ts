import type { AuditWriterObject } from "./audit/audit-writer.ts";
import type { EvidenceLogObject } from "./evidence/evidence-log.ts";
import type { RecordingShardObject } from "./capture/hand-off.ts";
import type { ChunkMessage, OverflowMessage } from "./record/record-message.ts";

/** Bindings and vars of the recorder Worker (see wrangler.toml). Vars arrive as strings; config/ parses them. */
export interface Env {
  BLOBS: R2Bucket;
  DB: D1Database;
  /** Recording shards: the visitor's isolate hands each exchange to one, in memory. */
  RECORDER: DurableObjectNamespace<RecordingShardObject>;
  /** The audit log's single writer (audit/audit-writer.ts): one object, named AUDIT_WRITER. */
  AUDIT: DurableObjectNamespace<AuditWriterObject>;
  /** The evidence log (evidence/evidence-log.ts): the Merkle tree over record hashes and its signed heads. */
  EVIDENCE: DurableObjectNamespace<EvidenceLogObject>;
  /**
   * Export jobs (export-job/export-workflow.ts): a Workflow per export. Its params type (ExportParams) stays
   * in export-job/, which sits above this file; export-job/start-export.ts is the one place that creates.
   */
  EXPORTS: Workflow;
  /** Masked records on their way to the index (consumed in batches; see persist/). */
  RECORDS: Queue<ChunkMessage | OverflowMessage>;
  RECORDING_SHARDS?: string;
  HANDOFF_BATCH_MS?: string;
  RECORD_COALESCE_MS?: string;
  /** Index partitions: D1 bindings and the UTC day each starts (store/partitions.ts). Default "DB". */
  INDEX_PARTITIONS?: string;
  /** How long sessions are kept, per site: "7y", or "shop.example.com=7y; *=400d" (config/retention-spec.ts). */
  RETENTION?: string;
  ORIGIN?: string;
  FORWARD_HOST?: string;
  SESSION_COOKIES?: string;
  EXCLUDE_PATHS?: string;
  BODY_CAP_BYTES?: string;
  IP_TRUNCATE?: string;
  RECORDING?: string;
  EXTRA_CONTENT_TYPES?: string;
  REPLAY_HOST?: string;
  CONSOLE_HOST?: string;
  ACCESS_TEAM_DOMAIN?: string;
  ACCESS_AUD?: string;
  ACCESS_ROLES?: string;
  SESSION_QUOTA_BYTES?: string;
  VERBATIM_SECRET?: string;
  COMMITMENT_SECRET?: string;
  ADMIN_TOKEN?: string;
  /** Signs the evidence log's tree heads: a note signer key (`npm run keys`). Dev derives one. */
  LOG_SIGNING_KEY?: string;
  /** Signs WACZ exports (ECDSA, PKCS#8 base64; `npm run keys`). Dev derives one. */
  EXPORT_SIGNING_KEY?: string;
  /** Most exchanges per export slice (one Workflow step, one WARC file); default 2,000. */
  EXPORT_SLICE_EXCHANGES?: string;
  /** Recorded requests per client: past the limit, proxied but not recorded. */
  RECORD_LIMIT?: RateLimit;
  /** Failed authentications per client. */
  AUTH_LIMIT?: RateLimit;
  /** `prove` calls per principal. */
  PROVE_LIMIT?: RateLimit;
  /** Replay events per replay grant. */
  EVENT_LIMIT?: RateLimit;
}
