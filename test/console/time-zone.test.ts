import { describe, expect, it } from "vitest";
import {
  epochFromWallClock,
  formatInZone,
  offsetLabel,
  offsetMinutesAt,
  parseZone,
  zoneChoices,
} from "../../worker/src/read/model/time-zone.ts";

describe("parseZone", () => {
  it.each([
    ["", "UTC", 0],
    ["utc", "UTC", 0],
    ["Europe/Berlin", "Europe/Berlin", null],
    ["america/new_york", "America/New_York", null],
    ["+05:30", "UTC+05:30", 330],
    ["UTC-8", "UTC-08:00", -480],
    ["GMT+0100", "UTC+01:00", 60],
    // "UTC+05:30" typed into a URL: the "+" arrives as a space.
    ["UTC 05:30", "UTC+05:30", 330],
  ])("reads %j as %s", (raw, id, fixed) => {
    const zone = parseZone(raw);
    expect(zone.id).toBe(id);
    expect(zone.fixedOffsetMinutes).toBe(fixed);
  });

  it.each(["Mars/Olympus_Mons", "+15:00", "+05:75", "<script>", "Europe/Berlin; drop"])(
    "refuses %j with a message naming tz",
    (raw) => {
      expect(() => parseZone(raw)).toThrow(/tz must be an IANA time zone/);
    },
  );
});

describe("epochFromWallClock", () => {
  it.each([
    ["2026-07-01T12:00", "Europe/Berlin", Date.UTC(2026, 6, 1, 10)],
    ["2026-01-15T12:00", "Europe/Berlin", Date.UTC(2026, 0, 15, 11)],
    ["2026-11-23T10:00", "America/New_York", Date.UTC(2026, 10, 23, 15)],
    ["2026-11-23 10:00:30", "Asia/Kolkata", Date.UTC(2026, 10, 23, 4, 30, 30)],
    ["2026-11-23T10:00", "UTC+05:30", Date.UTC(2026, 10, 23, 4, 30)],
    ["2026-11-23", "UTC", Date.UTC(2026, 10, 23)],
    // 02:30 does not exist on 8 March 2026 in New York (spring forward): the instant an hour later.
    ["2026-03-08T02:30", "America/New_York", Date.UTC(2026, 2, 8, 7, 30)],
    // 01:30 happens twice on 1 November 2026 in New York: the earlier (EDT) one.
    ["2026-11-01T01:30", "America/New_York", Date.UTC(2026, 10, 1, 5, 30)],
  ])("%s in %s is %i", (text, zone, expected) => {
    expect(epochFromWallClock(text, parseZone(zone))).toBe(expected);
  });

  it.each(["2026-02-30T10:00", "yesterday", "1700000000000", "2026-11-23T10:00Z"])(
    "returns null for %j (not a wall-clock time)",
    (text) => {
      expect(epochFromWallClock(text, parseZone("Europe/Berlin"))).toBeNull();
    },
  );
});

describe("formatInZone and offsets", () => {
  const summer = Date.UTC(2026, 6, 1, 10, 4, 5);
  it.each([
    ["UTC", "2026-07-01 10:04:05", 0],
    ["Europe/Berlin", "2026-07-01 12:04:05", 120],
    ["America/Los_Angeles", "2026-07-01 03:04:05", -420],
    ["Asia/Kolkata", "2026-07-01 15:34:05", 330],
    ["UTC-03:00", "2026-07-01 07:04:05", -180],
  ])("shows the instant in %s as %s", (zone, text, offset) => {
    expect(formatInZone(summer, parseZone(zone))).toBe(text);
    expect(offsetMinutesAt(parseZone(zone), summer)).toBe(offset);
  });

  it.each([
    [0, "UTC"],
    [330, "UTC+05:30"],
    [-480, "UTC-08:00"],
  ])("labels %i minutes as %s", (minutes, label) => {
    expect(offsetLabel(minutes)).toBe(label);
  });

  it("offers UTC first, IANA zones, then offsets that parse back to themselves", () => {
    const choices = zoneChoices();
    expect(choices[0]).toBe("UTC");
    expect(choices).toContain("Europe/Berlin");
    expect(choices).toContain("UTC+05:30");
    for (const id of choices.filter((c) => c.startsWith("UTC+") || c.startsWith("UTC-")))
      expect(parseZone(id).id).toBe(id);
  });
});
