import { env, listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { gunzipSync } from "fflate";
import type { Env } from "../../worker/src/env.ts";
import type { ChunkRow } from "../../worker/src/record/chunk-summary.ts";
import { buildSegment, inflateMember } from "../../worker/src/record/segment.ts";
import { inOrder, readStores, RecordReader } from "../../worker/src/store/record-reader.ts";
import type { ExchangeRow, SessionRow } from "../../worker/src/record/rows.ts";
import { blobKey } from "../../worker/src/store/blob-store.ts";

/**
 * Reads the archive from the local D1 and R2 for assertions about what was stored: every chunk row's
 * records from its segment (through the product's read layer), and rows from before the compact index.
 */
export async function exchanges(): Promise<ExchangeRow[]> {
  const stores = readStores(env as Env);
  const reader = new RecordReader(stores);
  const { results: chunks } = await env.DB.prepare("SELECT * FROM record_chunks").all<ChunkRow>();
  const { results: legacy } = await env.DB.prepare("SELECT * FROM exchanges").all<ExchangeRow>();
  const records = await Promise.all(chunks.map((chunk) => reader.recordsOf(chunk)));
  return inOrder([...legacy, ...records.flat().map((r) => r.exchange)]);
}

export async function sessions(): Promise<SessionRow[]> {
  const { results } = await env.DB.prepare("SELECT * FROM sessions ORDER BY first_seen").all<SessionRow>();
  return results;
}

export async function exchangeFor(pathPart: string): Promise<ExchangeRow> {
  const all = await exchanges();
  const found = all.filter((row) => row.url.includes(pathPart)).at(-1);
  if (!found)
    throw new Error(`no exchange recorded for ${pathPart}; have ${all.map((r) => r.url).join(", ")}`);
  return found;
}

/** The stored bytes of a blob, decompressed. */
export async function blob(digest: string | null): Promise<Uint8Array> {
  if (!digest) throw new Error("no digest");
  const object = await env.BLOBS.get(blobKey(digest));
  if (!object) throw new Error(`blob ${digest} missing from R2`);
  const bytes = new Uint8Array(await object.arrayBuffer());
  return object.customMetadata?.encoding === "gzip" ? gunzipSync(bytes) : bytes;
}

export async function blobText(digest: string | null): Promise<string> {
  return new TextDecoder().decode(await blob(digest));
}

/** Every stored byte, decompressed, as latin-1 text: R2 objects and every D1 row of every table. */
export async function everythingStored(): Promise<string> {
  const parts: string[] = [];
  const listed = await env.BLOBS.list();
  for (const object of listed.objects) {
    const body = await env.BLOBS.get(object.key);
    if (!body) continue;
    const bytes = new Uint8Array(await body.arrayBuffer());
    parts.push(latin1(bytes));
    if (body.customMetadata?.encoding === "gzip") parts.push(latin1(gunzipSync(bytes)));
    // Segments hold one compressed member per chunk, at the offsets their chunk rows name: inflate each.
    if (object.key.startsWith("segments/")) parts.push(...(await segmentMembers(object.key, bytes)));
    parts.push(JSON.stringify(body.customMetadata ?? {}));
  }
  for (const table of [
    "session_log",
    "session_keys",
    "session_customers",
    "blobs",
    "record_parts",
    "exchange_log",
    "recorder_failures",
    "replay_events",
    "learned_forms",
    "record_chunks",
    "captures",
  ]) {
    const { results } = await env.DB.prepare(`SELECT * FROM ${table}`).all();
    parts.push(JSON.stringify(results));
  }
  // Recording shards' own storage: records parked while the queue was down.
  for (const id of await listDurableObjectIds(env.RECORDER)) {
    parts.push(
      await runInDurableObject(env.RECORDER.get(id), async (_shard, state) =>
        JSON.stringify([...(await state.storage.list()).entries()]),
      ),
    );
  }
  return parts.join("\n");
}

/** The inflated text of every chunk the index places in segment `key`. */
async function segmentMembers(key: string, bytes: Uint8Array): Promise<string[]> {
  const out: string[] = [];
  for (const db of [env.DB, env.DB_2025]) {
    const { results } = await db
      .prepare("SELECT segment_offset, segment_length FROM record_chunks WHERE segment = ?")
      .bind(key)
      .all<{ segment_offset: number; segment_length: number }>();
    for (const row of results)
      out.push(
        inflateMember(key, bytes.subarray(row.segment_offset, row.segment_offset + row.segment_length)),
      );
  }
  return out;
}

function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

/**
 * Edits one stored exchange record the way someone with write access to the stores could: the chunk holding
 * it is rewritten into a new segment object and its index row pointed there (record_hash is left alone, so
 * integrity checks must notice).
 */
export async function tamperRecord(id: string, edit: (row: ExchangeRow) => void): Promise<void> {
  const reader = new RecordReader(readStores(env as Env));
  const { results: chunks } = await env.DB.prepare("SELECT * FROM record_chunks").all<ChunkRow>();
  for (const chunk of chunks) {
    const records = await reader.recordsOf(chunk);
    const target = records.find((r) => r.exchange.id === id);
    if (!target) continue;
    const changed = records.map((r) => (r === target ? { ...r, exchange: { ...r.exchange } } : r));
    const edited = changed.find((r) => r.exchange.id === id);
    if (edited) edit(edited.exchange);
    const { bytes } = buildSegment([{ v: 2, session_id: chunk.session_id, records: changed }]);
    const key = `segments/tampered/${id}.z1`;
    await env.BLOBS.put(key, bytes);
    await env.DB.prepare(
      "UPDATE record_chunks SET segment = ?, segment_offset = 0, segment_length = ? WHERE session_id = ? AND first_id = ?",
    )
      .bind(key, bytes.byteLength, chunk.session_id, chunk.first_id)
      .run();
    return;
  }
  throw new Error(`no stored record ${id}`);
}
