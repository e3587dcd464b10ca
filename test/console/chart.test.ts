import { describe, expect, it } from "vitest";
import { chartOf } from "../../worker/src/console/model/chart.ts";
import { buildTimeline } from "../../worker/src/read/model/timeline.ts";
import { json, row, T_START } from "./support/rows.ts";

describe("chartOf", () => {
  it("places page views and calls along time, failed ones flagged, each linked", () => {
    const home = row("/", 0, { total_ms: 0 });
    const call = row("/api/x", 5, json({ status: 500, total_ms: 0 }));
    const next = row("/next", 10, { total_ms: 0 });
    const chart = chartOf(buildTimeline("s", [home, call, next]), 1000, 2);
    expect(chart.marks.map((m) => [m.kind, m.x, m.failed, m.href])).toEqual([
      ["page", 12, false, `/__verbatim/replay/${home.id}`],
      ["call", 500, true, `#x-${call.id}`],
      ["page", 988, false, `/__verbatim/replay/${next.id}`],
    ]);
    expect(chart.ticks).toEqual([
      { x: 12, at: T_START },
      { x: 500, at: T_START + 5000 },
      { x: 988, at: T_START + 10_000 },
    ]);
  });

  it("centres a visit with no duration and draws nothing for an empty one", () => {
    const single = chartOf(buildTimeline("s", [row("/", 0, { total_ms: 0 })]), 1000);
    expect(single.marks.map((m) => m.x)).toEqual([500]);
    expect(single.ticks).toHaveLength(1);
    expect(chartOf(buildTimeline("s", []), 1000).marks).toEqual([]);
  });
});
