import type { RecordSink } from "../persist/record-chunker.ts";
import type { ArchiveIndex } from "../store/archive-index.ts";
import type { BlobStore } from "../store/blob-store.ts";
import type { FormStore } from "../store/form-store.ts";

/**
 * What a recording shard reads and writes through. Masked bodies go to R2 here; the index is only read
 * (session keys, known blobs, revalidation); records leave through `records` (the queue) and are indexed by
 * the consumer (persist/).
 */
export type RecorderStores = { blobs: BlobStore; index: ArchiveIndex; forms: FormStore; records: RecordSink };
