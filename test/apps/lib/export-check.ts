import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { unzipSync } from "fflate";
import { har as validateHar } from "har-validator";
import { WARCParser } from "warcio";
import { expect } from "vitest";
import { DEMO_TOKENS, type Recorder } from "../../browser/harness.ts";
import type { ArchivedExchange } from "./archive.ts";
import type { AppRun } from "./checks.ts";
import { describeHits, scanBytes, type Hit } from "./scan.ts";
import { needles } from "./secrets.ts";
import type { Stack } from "./stack.ts";

const root = new URL("../../../", import.meta.url).pathname;

function call(recorder: Recorder, path: string, init: { method?: string; body?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${DEMO_TOKENS.compliance}` };
  if (init.body) headers["content-type"] = "application/json";
  return recorder.mf.dispatchFetch(`${recorder.consoleUrl}/__verbatim/api${path}`, { ...init, headers });
}

type ExportView = { id: string; status: string; error: string | null; download: string | null };

/** Starts an export of the UTC day and waits for the Workflow to finish it; returns the archive's bytes. */
async function exportDay(recorder: Recorder, day: string): Promise<Buffer> {
  const started = await call(recorder, "/exports", { method: "POST", body: JSON.stringify({ day }) });
  expect(started.status, await started.clone().text()).toBe(202);
  const { id } = (await started.json()) as ExportView;
  const until = Date.now() + 120_000;
  for (;;) {
    const view = (await (await call(recorder, `/exports/${id}`)).json()) as ExportView;
    if (view.status === "failed") throw new Error(`export failed: ${view.error}`);
    if (view.status === "done") break;
    if (Date.now() > until) throw new Error(`export ${id} still ${view.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const download = await call(recorder, `/exports/${id}/download`);
  expect(download.status).toBe(200);
  return Buffer.from(await download.arrayBuffer());
}

function verify(file: string, keys: { log: string; export: string }, json = true) {
  const args = [
    "scripts/verify.ts",
    file,
    "--log-key",
    keys.log,
    "--export-key",
    keys.export,
    ...(json ? ["--json"] : []),
  ];
  const run = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", timeout: 120_000 });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

/**
 * The application's day exported as WACZ through the real job (API → Workflow → R2 multipart), then read by
 * tools that are not the recorder: the verify CLI (every digest, signature and inclusion proof, keys pinned
 * to the ones the recorder publishes), warcio record by record, har-validator for the session HAR; no secret
 * in any of it; and one flipped byte is caught and named.
 */
export async function checkExport(
  stack: Stack,
  run: AppRun,
  archive: readonly ArchivedExchange[],
): Promise<void> {
  const { recorder } = stack;
  const day = archive[0]?.startedAt.slice(0, 10) ?? "";
  const inDay = archive.filter((a) => a.startedAt.startsWith(day));
  const bytes = await exportDay(recorder, day);
  const file = join(stack.work, "export.wacz");
  await writeFile(file, bytes);
  const keys = (await (
    await recorder.mf.dispatchFetch(`${recorder.consoleUrl}/__verbatim/api/evidence/keys`)
  ).json()) as {
    log: string;
    export: string;
  };

  const verified = verify(file, keys);
  expect(verified.code, verified.out).toBe(0);

  // warcio, record by record: one request and one response (or revisit) per archived exchange.
  const files = unzipSync(new Uint8Array(bytes));
  const warcs = Object.keys(files).filter((name) => name.startsWith("archive/"));
  expect(warcs.length).toBeGreaterThan(0);
  const types: Record<string, number> = {};
  const hits: Hit[] = [];
  const wanted = needles(run.secrets);
  for (const name of warcs) {
    const parser = new WARCParser(new Blob([files[name] ?? new Uint8Array(0)]).stream());
    for await (const record of parser) {
      const type = record.warcType ?? "?";
      types[type] = (types[type] ?? 0) + 1;
      await record.readFully(false);
    }
    hits.push(...scanBytes(`${name} (gunzip)`, gunzipSync(files[name] ?? new Uint8Array(0)), wanted));
  }
  expect(types["request"]).toBe(inDay.length);
  expect((types["response"] ?? 0) + (types["revisit"] ?? 0)).toBe(inDay.length);
  for (const [name, entry] of Object.entries(files))
    if (!name.startsWith("archive/")) hits.push(...scanBytes(name, Buffer.from(entry), wanted));
  expect(describeHits(hits), `${hits.length} secrets in the export`).toBe("");

  // One byte flipped inside the first WARC: the verifier exits 1 and names the file.
  const tampered = Buffer.from(bytes);
  // The entry's name ends its local header; the gzip members start right after it.
  const flipAt = bytes.indexOf(Buffer.from("archive/data-00001.warc.gz")) + 26 + 600;
  tampered[flipAt] = (tampered[flipAt] ?? 0) ^ 0x01;
  const tamperedFile = join(stack.work, "tampered.wacz");
  await writeFile(tamperedFile, tampered);
  const caught = verify(tamperedFile, keys, false);
  expect(caught.code, caught.out).toBe(1);
  expect(caught.out).toContain("archive/data-00001.warc.gz");

  // A stored body changed by one byte in R2 after recording: the next export of the day fails verification,
  // naming the exchange whose payload no longer matches its sealed record.
  const lines = new TextDecoder()
    .decode(files["evidence/records-00001.jsonl"] ?? new Uint8Array(0))
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { id: string; record: { response_body_digest: string | null } });
  const victim = lines.find((l) => l.record.response_body_digest !== null);
  const digest = victim?.record.response_body_digest;
  if (!victim || !digest) throw new Error("no exported exchange has a stored body");
  const bucket = await recorder.mf.getR2Bucket("BLOBS");
  const key = `sha256/${digest.slice(0, 2)}/${digest}`;
  const object = await bucket.get(key);
  if (!object) throw new Error(`body ${digest} is not in R2`);
  const gzipped = object.customMetadata?.["encoding"] === "gzip";
  const stored = Buffer.from(await object.arrayBuffer());
  const plain = gzipped ? gunzipSync(stored) : stored;
  plain[0] = (plain[0] ?? 0) ^ 0x20;
  await bucket.put(key, gzipped ? gzipSync(plain) : plain, { customMetadata: object.customMetadata ?? {} });
  const again = join(stack.work, "after-r2-tamper.wacz");
  await writeFile(again, await exportDay(recorder, day));
  const changed = verify(again, keys, false);
  expect(changed.code, changed.out).toBe(1);
  expect(changed.out).toContain(victim.id);

  // Each session as HAR 1.2, as browser devtools import it.
  for (const session of new Set(inDay.map((a) => a.sessionId))) {
    const response = await call(recorder, `/sessions/${session}/har`);
    expect(response.status).toBe(200);
    // har-validator resolves with the HAR when it is valid and rejects with the schema errors when not.
    await expect(validateHar((await response.json()) as object)).resolves.toHaveProperty(
      "log.version",
      "1.2",
    );
  }
  run.figures.export_bytes = bytes.length;
  run.figures.export_records = inDay.length;
}
