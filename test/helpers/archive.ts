import { env } from "cloudflare:test";
import { gunzipSync } from "fflate";
import type { ExchangeRow, SessionRow } from "../../worker/src/store/rows.ts";
import { blobKey } from "../../worker/src/store/blob-store.ts";

/** Reads the archive straight from the local D1 and R2, for assertions about what was stored. */
export async function exchanges(): Promise<ExchangeRow[]> {
  const { results } = await env.DB.prepare(
    "SELECT * FROM exchanges ORDER BY started_at, id",
  ).all<ExchangeRow>();
  return results;
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
  ]) {
    const { results } = await env.DB.prepare(`SELECT * FROM ${table}`).all();
    parts.push(JSON.stringify(results));
  }
  return parts.join("\n");
}

function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}
