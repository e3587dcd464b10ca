import type { SessionTimeline } from "../../read/model/timeline.ts";

/**
 * Geometry of the visit chart: page views as marks along time, the calls under them as small ticks, failed
 * ones red. Pure numbers in a viewBox of `width` × CHART_HEIGHT units; the page renders them as SVG.
 */
export const CHART_HEIGHT = 64;
const PAD = 12;

export type ChartMark = {
  x: number;
  kind: "page" | "call";
  failed: boolean;
  at: number;
  label: string;
  /** Page views link to their replay, calls to their row in the timeline. */
  href: string;
};

export type Chart = { width: number; marks: ChartMark[]; ticks: Array<{ x: number; at: number }> };

export function chartOf(timeline: SessionTimeline, width: number, tickCount = 4): Chart {
  const start = timeline.startedAt ?? 0;
  const end = Math.max(timeline.endedAt ?? start, start);
  const span = end - start;
  const x = (at: number) => (span === 0 ? width / 2 : round(PAD + ((at - start) / span) * (width - 2 * PAD)));
  const marks: ChartMark[] = [];
  for (const call of timeline.lead.calls) marks.push(callMark(call, x));
  for (const page of timeline.pageViews) {
    marks.push({
      x: x(page.startedAt),
      kind: "page",
      failed: page.failed,
      at: page.startedAt,
      label: `${page.method} ${page.url} → ${page.status}`,
      href: `/__verbatim/replay/${page.id}`,
    });
    for (const call of page.calls) marks.push(callMark(call, x));
  }
  const ticks =
    span === 0
      ? [{ x: width / 2, at: start }]
      : Array.from({ length: tickCount + 1 }, (_, i) => {
          const at = start + Math.round((span * i) / tickCount);
          return { x: x(at), at };
        });
  return { width, marks, ticks };
}

function callMark(call: SessionTimeline["lead"]["calls"][number], x: (at: number) => number): ChartMark {
  return {
    x: x(call.startedAt),
    kind: "call",
    failed: call.failed,
    at: call.startedAt,
    label: `${call.method} ${call.url} → ${call.status}`,
    href: `#x-${call.id}`,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
