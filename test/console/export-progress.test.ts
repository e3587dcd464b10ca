import { describe, expect, it } from "vitest";
import { formatBytes } from "../../worker/src/console/model/byte-size.ts";
import { ExportPage, ExportsPage } from "../../worker/src/console/pages/exports-page.tsx";
import type { ExportRow } from "../../worker/src/export-job/export-table.ts";
import { exportView } from "../../worker/src/export-job/export-view.ts";
import { UTC } from "../../worker/src/read/model/time-zone.ts";
import { textOf } from "./support/console-client.ts";

const ID = "01M8494D9J9MWAYS0H034G9S6W";
const SESSION = "0123456789abcdef0123456789abcdef";

function row(fields: Partial<ExportRow>): ExportRow {
  return {
    id: ID,
    scope: JSON.stringify({ kind: "session", session: SESSION, url: null }),
    format: "wacz",
    status: "queued",
    requested_by: "demo:compliance",
    created_at: Date.UTC(2026, 10, 28, 9),
    updated_at: Date.UTC(2026, 10, 28, 9),
    slices_total: null,
    slices_done: 0,
    records: 0,
    bytes: 0,
    tree_size: null,
    object_key: null,
    sha256: null,
    error: null,
    ...fields,
  };
}

/** A page as the browser gets it (hono/jsx renders to a string, or a promise of one). */
const render = async (node: { toString(): string | Promise<string> }) => node.toString();
const EMPTY = { day: "", tz: "", session: "", customer: "", url: "" };

describe("export progress pages", () => {
  it.each([
    ["queued", row({}), true, "0 of ? slices · 0 records · 0 B", "not ready yet"],
    [
      "running",
      row({ status: "running", slices_total: 3, slices_done: 1, records: 2000, bytes: 5_400_000 }),
      true,
      "1 of 3 slices · 2000 records · 5.1 MiB",
      "not ready yet",
    ],
    [
      "done",
      row({ status: "done", slices_total: 1, slices_done: 1, records: 1, bytes: 812, object_key: "k" }),
      false,
      "1 of 1 slice · 1 record · 812 B",
      "Download WACZ (812 B)",
    ],
    [
      "failed",
      row({ status: "failed", slices_total: 2, slices_done: 1, error: "export step failed (TypeError)" }),
      false,
      "1 of 2 slices · 0 records · 0 B",
      "export step failed (TypeError)",
    ],
  ])(
    "an export %s: reloads itself while under way, shows progress and its outcome",
    async (_s, r, reloads, progress, outcome) => {
      const view = exportView(r);
      for (const html of [
        await render(ExportPage({ view, zone: UTC })),
        await render(ExportsPage({ exports: [view], form: EMPTY, zone: UTC, message: null })),
      ]) {
        expect(html.includes('<meta http-equiv="refresh" content="3"/>')).toBe(reloads);
        expect(textOf(html)).toContain(progress);
        expect(textOf(html)).toContain(outcome);
        expect(html.includes(`href="/__verbatim/api/exports/${ID}/download"`)).toBe(r.status === "done");
      }
    },
  );

  it("the list reloads while any one export is under way", async () => {
    const done = exportView(row({ status: "done", object_key: "k" }));
    const running = exportView(row({ status: "running" }));
    const page = (views: ReturnType<typeof exportView>[]) =>
      render(ExportsPage({ exports: views, form: EMPTY, zone: UTC, message: null }));
    expect(await page([done, running])).toContain('http-equiv="refresh"');
    expect(await page([done])).not.toContain('http-equiv="refresh"');
  });
});

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1024, "1.0 KiB"],
    [1536, "1.5 KiB"],
    [10 * 1024 * 1024, "10.0 MiB"],
    [3 * 1024 ** 3 + 512 * 1024 ** 2, "3.5 GiB"],
    [2 * 1024 ** 4, "2.0 TiB"],
    [5 * 1024 ** 5, "5120.0 TiB"],
  ])("%d bytes → %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
