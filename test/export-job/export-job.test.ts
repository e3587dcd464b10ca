import { env } from "cloudflare:test";
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
    expect(Object.keys(files)).toEqual([
      "archive/data-00001.warc.gz",
      "evidence/records-00001.jsonl",
      "indexes/index.cdxj",
      "pages/pages.jsonl",
      "evidence/checkpoint.txt",
      "evidence/log-key.txt",
      "evidence/export.json",
      "datapackage.json",
      "datapackage-digest.json",
    ]);
    const lines = new TextDecoder().decode(files["evidence/records-00001.jsonl"]).trim().split("\n");
    expect(lines.map((l) => (JSON.parse(l) as { id: string }).id).sort()).toEqual(
      rows.map((r) => r.id).sort(),
    );
    for (const line of lines) expect((JSON.parse(line) as { proof: unknown }).proof).toBeInstanceOf(Array);
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
