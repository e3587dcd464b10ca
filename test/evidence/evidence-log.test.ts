import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { hexToBytes } from "@noble/hashes/utils.js";
import { beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../worker/src/env.ts";
import { parseCheckpoint, verifyNote } from "../../worker/src/evidence/checkpoint.ts";
import { evidenceLog } from "../../worker/src/evidence/evidence-log.ts";
import { logSigner } from "../../worker/src/evidence/log-keys.ts";
import { leafHash, verifyConsistency, verifyInclusion } from "../../worker/src/evidence/merkle.ts";
import worker from "../../worker/src/index.ts";
import { hashedRecord } from "../../worker/src/read/model/integrity.ts";
import { recordHash } from "../../worker/src/snapshot/record-hash.ts";
import { blobKey } from "../../worker/src/store/blob-store.ts";
import { exchanges, tamperRecord } from "../helpers/archive.ts";
import { Customer } from "../helpers/browser-like.ts";
import { CONSOLE, DEMO, visit } from "../helpers/visit.ts";

type Head = { size: number; signedAt: string; checkpoint: string };
type Verdict = {
  verified: boolean;
  record: { status: string; checks: Array<{ subject: string; result: string; detail: string }> };
  log: { status: string; detail: string; leaf?: number };
};

async function api<T>(path: string, init: RequestInit = {}, token: string | null = DEMO.compliance) {
  const headers = new Headers(init.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  const result = await visit(new Request(`${CONSOLE}/__verbatim/api${path}`, { ...init, headers }));
  return { status: result.response.status, body: JSON.parse(result.text) as T };
}

const sign = async () =>
  (
    await api<Head>("/evidence/heads", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    })
  ).body;

async function rootOf(head: Head, key: string): Promise<{ size: number; root: Uint8Array }> {
  const opened = await verifyNote(head.checkpoint, key);
  if (!opened.ok) throw new Error(opened.message);
  const checkpoint = parseCheckpoint(opened.body);
  return { size: checkpoint.size, root: checkpoint.rootHash };
}

describe("the evidence log seals every indexed record and proves it under signed heads", () => {
  let key = "";
  beforeAll(async () => {
    const alice = new Customer("alice-evidence");
    await alice.request("/");
    await alice.request("/products/home-insurance");
    key = (await api<{ log: string }>("/evidence/keys", {}, null)).body.log;
  });

  it("publishes the log's verifier key to anyone", () => {
    expect(key).toMatch(/^verbatim\.localhost\/log\+[0-9a-f]{8}\+/);
  });

  it("has one leaf per indexed exchange, and a redelivered chunk appends nothing", async () => {
    const rows = await exchanges();
    expect(await evidenceLog(env as Env).size()).toBe(rows.length);
    const again = await evidenceLog(env as Env).append(
      rows.map((r) => ({ id: r.id, recordHash: r.record_hash })),
    );
    expect(again).toEqual({ size: rows.length, appended: 0 });
  });

  it("signs a head whose note verifies with the published key and whose root covers every leaf", async () => {
    const head = await sign();
    const { size } = await rootOf(head, key);
    expect(size).toBe((await exchanges()).length);
    expect(head.checkpoint).toMatch(/^verbatim\.localhost\/log\n\d+\n[A-Za-z0-9+/=]+\ntime \d{4}-/);
  });

  it("proves each exchange's inclusion, checkable without the recorder", async () => {
    const head = await sign();
    const { size, root } = await rootOf(head, key);
    for (const row of await exchanges()) {
      const { body } = await api<{ leaf: number; proof: string[]; recordHash: string }>(
        `/exchanges/${row.id}/inclusion`,
      );
      expect(body.recordHash).toBe(row.record_hash);
      const leaf = await leafHash(hexToBytes(row.record_hash));
      expect(
        await verifyInclusion(
          leaf,
          body.leaf,
          size,
          body.proof.map((h) => hexToBytes(h)),
          root,
        ),
      ).toBe(true);
    }
  });

  it("verifies a stored exchange against the latest head", async () => {
    await sign();
    const [row] = await exchanges();
    const { body } = await api<Verdict>(`/exchanges/${row?.id}/verify`);
    expect(body.log.status).toBe("included");
    expect(body.verified).toBe(true);
  });

  it("gives consistency proofs between heads, and a rewritten past head fails them", async () => {
    const older = await sign();
    await new Customer("bob-evidence").request("/");
    const newer = await sign();
    const a = await rootOf(older, key);
    const b = await rootOf(newer, key);
    expect(b.size).toBeGreaterThan(a.size);
    const { body } = await api<{ proof: string[] }>(`/evidence/consistency?from=${a.size}&to=${b.size}`);
    const proof = body.proof.map((h) => hexToBytes(h));
    expect(await verifyConsistency(a.size, b.size, a.root, b.root, proof)).toBe(true);
    const rewritten = Uint8Array.from(a.root);
    rewritten[0] = (rewritten[0] ?? 0) ^ 1;
    expect(await verifyConsistency(a.size, b.size, rewritten, b.root, proof)).toBe(false);
    // The same rewrite cannot even be signed by anyone else: a head signed with another key does not verify.
    const listed = await api<{ heads: Head[] }>("/evidence/heads?limit=50");
    expect(listed.body.heads.map((h) => h.size)).toContain(a.size);
  });

  it.each([
    ["a stored record edited (status)", "mismatch", "altered"],
    ["a stored record edited with its record hash recomputed", "verified", "altered"],
  ])("%s: the record check says %s, the log check %s", async (what, recordStatus, logStatus) => {
    await sign();
    const rows = await exchanges();
    const row = rows.find((r) => r.status === 200 && r.page_view === 1);
    if (!row) throw new Error("no page view recorded");
    const edited = { ...row, status: 500 };
    const rehashed = await recordHash(hashedRecord(edited));
    await tamperRecord(row.id, (r) => {
      r.status = 500;
      if (what.includes("recomputed")) r.record_hash = rehashed;
    });
    const { body } = await api<Verdict>(`/exchanges/${row.id}/verify`);
    expect(body.verified).toBe(false);
    expect(body.record.status).toBe(recordStatus);
    expect(body.log.status).toBe(logStatus);
    expect(body.log.detail).toContain("record hash");
  });

  it("names a stored body changed by one byte in R2", async () => {
    await sign();
    const row = (await exchanges()).findLast((r) => r.response_body_digest !== null && r.status === 200);
    const digest = row?.response_body_digest;
    if (!row || !digest) throw new Error("no stored body");
    const object = await env.BLOBS.get(blobKey(digest));
    if (!object) throw new Error("body not in R2");
    const { gunzipSync, gzipSync } = await import("fflate");
    const bytes =
      object.customMetadata?.encoding === "gzip"
        ? gunzipSync(new Uint8Array(await object.arrayBuffer()))
        : new Uint8Array(await object.arrayBuffer());
    bytes[0] = (bytes[0] ?? 0) ^ 0x20;
    await env.BLOBS.put(
      blobKey(digest),
      object.customMetadata?.encoding === "gzip" ? gzipSync(bytes) : bytes,
      {
        customMetadata: object.customMetadata ?? {},
      },
    );
    const { body } = await api<Verdict>(`/exchanges/${row.id}/verify`);
    expect(body.verified).toBe(false);
    const check = body.record.checks.find((c) => c.subject === "response body");
    expect(check?.result).toBe("mismatch");
    expect(check?.detail).toContain(digest);
  });

  it("signs a head from the hourly cron trigger and publishes it under the lockable R2 prefix", async () => {
    await new Customer("carol-evidence").request("/");
    const at = Date.UTC(2026, 10, 29, 3);
    await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "0 * * * *" }), env as Env);
    const latest = await evidenceLog(env as Env).latest();
    expect(latest?.at).toBe(at);
    expect(latest?.size).toBe((await exchanges()).length);
    const listed = await env.BLOBS.list({ prefix: "evidence/checkpoints/" });
    const published = listed.objects.find((o) => o.key.endsWith(`-${at}.txt`));
    expect(published?.key).toBe(`evidence/checkpoints/${String(latest?.size).padStart(12, "0")}-${at}.txt`);
  });

  it("refuses to sign outside local dev without LOG_SIGNING_KEY", async () => {
    await expect(
      logSigner({ VERBATIM_SECRET: "x".repeat(32), CONSOLE_HOST: "console.example.com" }),
    ).rejects.toThrow(/LOG_SIGNING_KEY/);
  });
});
