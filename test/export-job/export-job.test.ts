import { env, introspectWorkflow } from "cloudflare:test";
import { unzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { Customer } from "../helpers/browser-like.ts";
import { exchanges } from "../helpers/archive.ts";
import { CONSOLE, DEMO, visit } from "../helpers/visit.ts";

type ExportView = {
  id: string;
  status: string;
  error: string | null;
  progress: { slicesDone: number; slicesTotal: number | null; records: number; bytes: number };
  download: string | null;
  treeSize: number | null;
};

async function api(path: string, init: RequestInit = {}, token: string = DEMO.compliance) {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  if (init.body) headers.set("content-type", "application/json");
  const result = await visit(new Request(`${CONSOLE}/__verbatim/api${path}`, { ...init, headers }));
  return {
    status: result.response.status,
    text: result.text,
    body: result.body,
    headers: result.response.headers,
  };
}

type EvidenceLine = { id: string; proof: unknown };

function evidenceLines(files: Record<string, Uint8Array>): EvidenceLine[] {
  return Object.keys(files)
    .filter((name) => name.startsWith("evidence/records-"))
    .flatMap((name) => new TextDecoder().decode(files[name]).trim().split("\n"))
    .map((l) => JSON.parse(l) as EvidenceLine);
}

async function startExport(scope: Record<string, unknown>): Promise<ExportView> {
  const started = await api("/exports", { method: "POST", body: JSON.stringify(scope) });
  expect(started.status, started.text).toBe(202);
  return JSON.parse(started.text) as ExportView;
}

async function finished(id: string, timeoutMs = 20_000): Promise<ExportView> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const view = JSON.parse((await api(`/exports/${id}`)).text) as ExportView;
    if (view.status === "done" || view.status === "failed") return view;
    if (Date.now() > until) throw new Error(`export ${id} still ${view.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("exports run as Workflows and produce a WACZ", () => {
  let sessionId = "";
  beforeAll(async () => {
    const alice = new Customer("alice-export");
    await alice.request("/");
    await alice.request("/products/home-insurance");
    await alice.request("/api/quote?product=home-insurance");
    await alice.request("/products/car-insurance");
    await alice.request("/api/quote?product=car-insurance");
    await alice.request("/");
    await alice.request("/products/home-insurance");
    const rows = await exchanges();
    sessionId = rows[0]?.session_id ?? "";
  });

  it("exports a session: progress, then a download whose zip holds the WACZ layout", async () => {
    const started = await startExport({ session: sessionId });
    expect(started.status).toBe("queued");
    const done = await finished(started.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe("done");
    const rows = (await exchanges()).filter((r) => r.session_id === sessionId);
    expect(done.progress.records).toBe(rows.length);
    expect(done.download).toBe(`/__verbatim/api/exports/${started.id}/download`);
    const download = await api(`/exports/${started.id}/download`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/attachment; filename="verbatim-session-/);
    const files = unzipSync(download.body);
    // EXPORT_SLICE_EXCHANGES is 3 in the tests: the session crosses several slice steps.
    const slices = Math.ceil(rows.length / 3);
    expect(slices).toBeGreaterThan(1);
    const pad = (n: number) => String(n).padStart(5, "0");
    const perSlice = Array.from({ length: slices }, (_, i) => [
      `archive/data-${pad(i + 1)}.warc.gz`,
      `evidence/records-${pad(i + 1)}.jsonl`,
    ]).flat();
    expect(Object.keys(files)).toEqual([
      ...perSlice,
      "indexes/index.cdxj",
      "pages/pages.jsonl",
      "evidence/checkpoint.txt",
      "evidence/log-key.txt",
      "evidence/export.json",
      "datapackage.json",
      "datapackage-digest.json",
    ]);
    const lines = evidenceLines(files);
    expect(lines.map((l) => l.id).sort()).toEqual(rows.map((r) => r.id).sort());
    for (const line of lines) expect(line.proof).toBeInstanceOf(Array);
    // The index merged from every slice's run is one sorted list, one line per request and response.
    const cdxj = new TextDecoder().decode(files["indexes/index.cdxj"]).trim().split("\n");
    expect(cdxj).toEqual([...cdxj].sort());
    expect(cdxj.length).toBeGreaterThanOrEqual(rows.length);
    const manifest = JSON.parse(new TextDecoder().decode(files["evidence/export.json"])) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({ record_count: rows.length, slices, tree_size: done.treeSize });
    // Working objects are gone; the archive stays.
    const left = await env.BLOBS.list({ prefix: `exports/${started.id}/` });
    expect(left.objects.map((o) => o.key)).toEqual([expect.stringMatching(/\.wacz$/)]);
  });

  it("resumes a failed slice step where it stopped and still writes every record", async () => {
    await using introspector = await introspectWorkflow(env.EXPORTS);
    // The second slice step fails once before it runs; Workflows retries that step alone (after its delay).
    await introspector.modifyAll(async (m) => {
      await m.mockStepError({ name: "slice 2" }, new Error("R2 went away"), 1);
    });
    const started = await startExport({ session: sessionId });
    const [instance] = await introspector.get();
    if (!instance) throw new Error("no Workflow instance was created");
    await instance.waitForStatus("complete");
    const done = await finished(started.id);
    const rows = (await exchanges()).filter((r) => r.session_id === sessionId);
    expect(done.status).toBe("done");
    expect(done.progress.records).toBe(rows.length);
    const files = unzipSync((await api(`/exports/${started.id}/download`)).body);
    expect(
      evidenceLines(files)
        .map((l) => l.id)
        .sort(),
    ).toEqual(rows.map((r) => r.id).sort());
  });

  it("refuses bad scopes with a clear 400", async () => {
    for (const [body, message] of [
      [{}, "exactly one of day, session, customer"],
      [{ day: "2026-13-40" }, "not a calendar day"],
      [{ day: "yesterday" }, "YYYY-MM-DD"],
      [{ day: "2026-11-28", session: sessionId }, "exactly one"],
      [{ session: "../../etc" }, "not a valid id"],
      [{ day: "2026-11-28", timeZone: "Mars/Olympus" }, "IANA time zone"],
      [{ day: "2026-11-28", url: "checkout" }, "absolute URL prefix"],
      [{ customerToken: "alice" }, "[hash:"],
      [{ everything: true }, "unknown field"],
    ] as const) {
      const result = await api("/exports", { method: "POST", body: JSON.stringify(body) });
      expect(result.status, JSON.stringify(body)).toBe(400);
      expect(result.text).toContain(message);
    }
    const notJson = await api("/exports", { method: "POST", body: "{nope" });
    expect(notJson.status).toBe(400);
  });

  it("gives one session as HAR 1.2, every exchange an entry, bodies as stored", async () => {
    const result = await api(`/sessions/${sessionId}/har`);
    expect(result.status, result.text).toBe(200);
    expect(result.headers.get("content-disposition")).toContain(".har");
    const har = JSON.parse(result.text) as {
      log: {
        version: string;
        entries: Array<{ request: { url: string }; response: { status: number } }>;
        pages: unknown[];
      };
    };
    const rows = (await exchanges()).filter((r) => r.session_id === sessionId);
    expect(har.log.version).toBe("1.2");
    expect(har.log.entries.map((e) => e.request.url).sort()).toEqual(rows.map((r) => r.url).sort());
    expect(har.log.pages.length).toBe(rows.filter((r) => r.page_view === 1).length);
    expect((await api("/sessions/0123456789abcdef0123456789abcdef/har")).status).toBe(404);
  });

  it("is compliance-only", async () => {
    const result = await api(
      "/exports",
      { method: "POST", body: JSON.stringify({ session: sessionId }) },
      DEMO.support,
    );
    expect(result.status).toBe(403);
  });
});
