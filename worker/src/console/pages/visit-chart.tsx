import { CHART_HEIGHT, chartOf } from "../model/chart.ts";
import type { SessionTimeline } from "../../read/model/timeline.ts";
import { formatInZone, type Zone } from "../../read/model/time-zone.ts";

const WIDTH = 1000;
const COLOURS = { page: "#2454c5", call: "#8a94a8", failed: "#c62828" } as const;

/** The visit at a glance: page views as tall marks along time, calls as short ones, failures in red. */
export function VisitChart(props: { timeline: SessionTimeline; zone: Zone }) {
  const chart = chartOf(props.timeline, WIDTH);
  if (chart.marks.length === 0) return null;
  const axis = CHART_HEIGHT - 16;
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${WIDTH} ${CHART_HEIGHT}`}
      role="img"
      aria-label={`Timeline of the visit: ${props.timeline.pageViews.length} page views, ${props.timeline.errorCount} errors`}
    >
      <line x1="0" x2={WIDTH} y1={axis} y2={axis} stroke="#dfe3ea" />
      {chart.ticks.map((tick, i) => (
        <text
          x={tick.x}
          y={CHART_HEIGHT - 3}
          font-size="10"
          fill="#5b6478"
          text-anchor={i === 0 ? "start" : i === chart.ticks.length - 1 ? "end" : "middle"}
        >
          {formatInZone(tick.at, props.zone).slice(11)}
        </text>
      ))}
      {chart.marks.map((mark) => (
        <a href={mark.href}>
          <title>{mark.label}</title>
          {mark.kind === "page" ? (
            <>
              <line
                x1={mark.x}
                x2={mark.x}
                y1="6"
                y2={axis}
                stroke={mark.failed ? COLOURS.failed : COLOURS.page}
                stroke-width="2"
              />
              <circle cx={mark.x} cy="8" r="5" fill={mark.failed ? COLOURS.failed : COLOURS.page} />
            </>
          ) : (
            <line
              x1={mark.x}
              x2={mark.x}
              y1={axis - 14}
              y2={axis}
              stroke={mark.failed ? COLOURS.failed : COLOURS.call}
              stroke-width={mark.failed ? 3 : 1.5}
            />
          )}
        </a>
      ))}
    </svg>
  );
}
