import { describe, expect, it } from "vitest";
import { lastSeenOf } from "../../worker/src/console/model/last-seen.ts";
import { buildTimeline } from "../../worker/src/read/model/timeline.ts";
import { json, row, T_START } from "./support/rows.ts";

const session = "0123456789abcdef0123456789abcdef";
// The stored value trails the latest exchange: it is refreshed at most once a minute.
const stored = { last_seen: T_START + 10_000 };

describe("lastSeenOf", () => {
  const rows = [row("/", 0), row("/api/cart", 40, json())];
  const cases: Array<[string, Parameters<typeof lastSeenOf>[1], { at: number; exact: boolean }]> = [
    [
      "is exact from a timeline that read every exchange",
      buildTimeline(session, rows),
      { at: T_START + 40_000, exact: true },
    ],
    [
      "falls back to the stored value for a truncated timeline",
      buildTimeline(session, rows, { truncated: true }),
      { at: T_START + 10_000, exact: false },
    ],
    ["falls back to the stored value without a timeline", null, { at: T_START + 10_000, exact: false }],
    [
      "falls back to the stored value for an empty timeline",
      buildTimeline(session, []),
      { at: T_START + 10_000, exact: false },
    ],
  ];
  it.each(cases)("%s", (_name, timeline, expected) => {
    expect(lastSeenOf(stored, timeline)).toEqual(expected);
  });
});
