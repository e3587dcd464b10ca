import type { AuditDetail } from "../audit/index.ts";
import type { RetentionPolicy } from "../config/retention-spec.ts";
import { blobKey } from "../store/blob-store.ts";
import type { KeptReferences } from "./kept-references.ts";
import { pendingKey, type PendingDeletion } from "./pending.ts";
import { bodyFate, refLive, segmentFate } from "./plan.ts";
import type { RetentionStore } from "./retention-store.ts";
import type { SegmentStore } from "./segment-store.ts";
import { auditJob, type JobAudit } from "./system-audit.ts";

export type Resolved = {
  bodiesDeleted: number;
  bodiesKept: Record<string, number>;
  segmentsDeleted: number;
  segmentsKept: number;
};

export type ResolveContext = {
  bucket: R2Bucket;
  store: RetentionStore;
  segments: SegmentStore;
  policy: RetentionPolicy;
  now: number;
  kept: KeptReferences;
  audit: JobAudit;
};

/**
 * Finishes a pending deletion (pending.ts): deletes the bodies nothing kept references and the segments no
 * chunk row points into any more, writes the audit entry, then forgets the pending record. Safe to repeat.
 */
export async function resolvePending(ctx: ResolveContext, pending: PendingDeletion): Promise<Resolved> {
  const refs = await ctx.store.refsOf(pending.digests);
  // Records are read only for bodies no live row vouches for.
  const kept = await ctx.kept.keptBy(
    pending.digests.filter((d) => !(refs.get(d) ?? []).some((row) => refLive(row, ctx.policy, ctx.now))),
  );
  const dead: string[] = [];
  const bodiesKept: Record<string, number> = {};
  for (const digest of pending.digests) {
    const fate = bodyFate(
      { refs: refs.get(digest) ?? [], keptBy: kept.get(digest) ?? null },
      ctx.policy,
      ctx.now,
    );
    if (fate.fate === "delete") dead.push(digest);
    else bodiesKept[fate.why] = (bodiesKept[fate.why] ?? 0) + 1;
  }
  await ctx.segments.delete(dead.map(blobKey));
  await ctx.store.forgetBodies(dead);

  const members = pending.segments.flatMap((s) =>
    (s.members ?? []).map(([session_id, first_id]) => ({ session_id, first_id, segment: s.key })),
  );
  const live = await ctx.store.liveChunks(members);
  const goneSegments = pending.segments
    .filter(
      (s) =>
        s.members !== null &&
        segmentFate(s.members.map(([sid, fid]) => live.has(`${s.key}\n${sid}\n${fid}`))) === "delete",
    )
    .map((s) => s.key);
  await ctx.segments.delete([...goneSegments, ...pending.objects]);

  const resolved: Resolved = {
    bodiesDeleted: dead.length,
    bodiesKept,
    segmentsDeleted: goneSegments.length,
    segmentsKept: pending.segments.length - goneSegments.length,
  };
  await auditJob(ctx.audit, "retention.delete", pending.id, {
    ...entryDetail(pending),
    ...resolved,
  });
  await ctx.bucket.delete(pendingKey(pending.id));
  return resolved;
}

function entryDetail(pending: PendingDeletion): AuditDetail {
  return {
    kind: pending.kind,
    trigger: pending.trigger,
    requestedBy: pending.requestedBy,
    sessions: pending.sessions,
    chunks: pending.chunks,
    exchanges: pending.exchanges,
    indexRows: pending.rowsDeleted,
  };
}
