import type { BlobStore } from "../store/blob-store.ts";
import type { TimelineRow } from "../store/console-reader.ts";
import { parseMaskReport } from "./model/mask-findings.ts";
import {
  FIELD_BODY_LIMIT,
  hasReadableFields,
  requestFields,
  type RequestField,
} from "./model/request-fields.ts";

/** At most this many request bodies are opened per timeline (one R2 read each); later ones are linked. */
export const MAX_BODIES_READ = 40;

/**
 * Reads the stored request bodies of a timeline's form submissions and JSON calls (page views answering a
 * POST included), so the timeline can show
 * their fields as masked. A body R2 cannot return is simply not shown: the timeline still renders.
 */
export async function loadRequestFields(
  rows: readonly TimelineRow[],
  blobs: Pick<BlobStore, "get">,
): Promise<Map<string, RequestField[]>> {
  const wanted = rows
    .filter(
      (row) =>
        row.request_body_digest !== null &&
        (row.request_body_size ?? 0) <= FIELD_BODY_LIMIT &&
        hasReadableFields(row.request_type),
    )
    .slice(0, MAX_BODIES_READ);
  const read = await Promise.all(
    wanted.map(async (row): Promise<[string, RequestField[] | null]> => {
      try {
        const bytes = row.request_body_digest ? await blobs.get(row.request_body_digest) : null;
        return [
          row.id,
          bytes ? requestFields(bytes, row.request_type, parseMaskReport(row.mask_report)) : null,
        ];
      } catch {
        return [row.id, null];
      }
    }),
  );
  const fields = new Map<string, RequestField[]>();
  for (const [id, list] of read) if (list) fields.set(id, list);
  return fields;
}
