/**
 * The export benchmark's helper Worker (bench/export.ts), run beside the recorder's bundle:
 *
 *   POST /seed {day, from, sessions, maxExchanges}      in a seeding process: writes sessions of the day
 *                                                         through the recorder's write path (seed-day.ts)
 *   POST /baseline/prepare {day}                         in the export's process: loads the day's body
 *                                                         digests (what /seed wrote down, in record order)
 *   POST /baseline/run {decode, part, parts}             reads them (part `part` of `parts`) from R2, one
 *                                                         after the other: the baseline of the export
 *
 * Clocks do not advance while a Worker computes, so the caller times each request from outside.
 */
import type { Env } from "../../../worker/src/env.ts";
import { blobKey, R2BlobStore } from "../../../worker/src/store/blob-store.ts";
import { manifestPrefix, seedSessions } from "./seed-day.ts";

let digests: string[] = [];

async function prepare(bucket: R2Bucket, day: string): Promise<{ reads: number }> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const listed = await bucket.list({ prefix: manifestPrefix(day), ...(cursor ? { cursor } : {}) });
    keys.push(...listed.objects.map((o) => o.key));
    cursor = listed.truncated ? listed.cursor : undefined;
  } while (cursor);
  digests = [];
  for (const key of keys.sort()) {
    const text = (await (await bucket.get(key))?.text()) ?? "";
    digests.push(...text.split("\n").filter((line) => line !== ""));
  }
  return { reads: digests.length };
}

/**
 * A plain sequential read of the same bodies the export reads: `decode` false reads the stored bytes only
 * (one R2 GET each, nothing else); true decodes them as the blob store does (gunzip), as the export must.
 */
async function baseline(bucket: R2Bucket, decode: boolean, part: number, parts: number) {
  const blobs = new R2BlobStore(bucket);
  const from = Math.floor((digests.length * part) / parts);
  const to = Math.floor((digests.length * (part + 1)) / parts);
  let storedBytes = 0;
  let decodedBytes = 0;
  let missing = 0;
  for (const digest of digests.slice(from, to)) {
    if (decode) {
      const bytes = await blobs.get(digest);
      if (bytes) decodedBytes += bytes.byteLength;
      else missing++;
      continue;
    }
    const object = await bucket.get(blobKey(digest));
    if (!object) {
      missing++;
      continue;
    }
    storedBytes += (await object.arrayBuffer()).byteLength;
  }
  return { reads: to - from, storedBytes, decodedBytes, missing };
}

export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    const body = (await request.json()) as Record<string, unknown>;
    const day = String(body["day"] ?? "");
    if (path === "/seed")
      return Response.json(
        await seedSessions(env, {
          day,
          from: Number(body["from"]),
          sessions: Number(body["sessions"]),
          maxExchanges: Number(body["maxExchanges"]),
        }),
      );
    if (path === "/baseline/prepare") return Response.json(await prepare(env.BLOBS, day));
    if (path === "/baseline/run")
      return Response.json(
        await baseline(
          env.BLOBS,
          body["decode"] === true,
          Number(body["part"] ?? 0),
          Number(body["parts"] ?? 1),
        ),
      );
    return new Response("not found", { status: 404 });
  },
} satisfies ExportedHandler<Env>;
