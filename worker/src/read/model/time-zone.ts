import { VerbatimError } from "../../errors/verbatim-error.ts";

/**
 * Time zones for people: support staff read and type times in their own zone (or the customer's), the
 * archive keeps UTC epoch milliseconds. A zone is an IANA name (DST rules from the runtime's ICU data) or a
 * fixed UTC offset such as +05:30.
 */
export type Zone = { id: string; fixedOffsetMinutes: number | null };

export const UTC: Zone = { id: "UTC", fixedOffsetMinutes: 0 };

const OFFSET = /^(?:UTC|GMT)?\s*([+\-\u2212])(\d{1,2})(?::?(\d{2}))?$/i;
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const DAY_MS = 24 * 60 * 60 * 1000;
const formatters = new Map<string, Intl.DateTimeFormat>();

export function parseZone(raw: string | undefined): Zone {
  // "UTC+05:30" typed into a URL arrives as "UTC 05:30" ("+" means space in a query string).
  const text = (raw ?? "").trim().replace(/^(UTC|GMT) (?=\d)/i, "$1+");
  if (text === "" || /^(utc|gmt|z)$/i.test(text)) return UTC;
  const offset = OFFSET.exec(text);
  if (offset?.[2]) {
    const minutes = Number(offset[2]) * 60 + Number(offset[3] ?? "0");
    if (minutes <= 14 * 60 && Number(offset[3] ?? "0") < 60) {
      const sign = offset[1] === "+" ? 1 : -1;
      return { id: offsetLabel(sign * minutes), fixedOffsetMinutes: sign * minutes };
    }
  } else if (/^[A-Za-z][A-Za-z0-9_+\-/]{1,60}$/.test(text) && formatterFor(text)) {
    return { id: formatterFor(text)?.resolvedOptions().timeZone ?? text, fixedOffsetMinutes: null };
  }
  throw new VerbatimError(
    "bad_query",
    `tz must be an IANA time zone (Europe/Berlin) or a UTC offset (+05:30), got "${text.slice(0, 60)}"`,
  );
}

/** Minutes the zone's wall clock is ahead of UTC at that instant. */
export function offsetMinutesAt(zone: Zone, epochMs: number): number {
  if (zone.fixedOffsetMinutes !== null) return zone.fixedOffsetMinutes;
  const formatter = formatterFor(zone.id);
  if (!formatter) return 0;
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(epochMs)) parts[part.type] = Number(part.value);
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return Math.round((wall - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

/**
 * The instant a wall-clock time ("2026-11-23T10:00", as a datetime-local input sends it) names in a zone.
 * The candidates are the wall time under the offsets a day before and a day after; a candidate is valid
 * when the zone really has that offset then. Like Temporal's "compatible" disambiguation: in the autumn
 * overlap the earlier instant wins, in a spring-forward gap the time moves forward by the gap.
 */
export function epochFromWallClock(text: string, zone: Zone): number | null {
  const m = WALL_CLOCK.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0"] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(wall);
  if (Number.isNaN(wall) || check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1)
    return null;
  const before = offsetMinutesAt(zone, wall - DAY_MS);
  const after = offsetMinutesAt(zone, wall + DAY_MS);
  const valid = [before, after]
    .map((offset) => ({ offset, at: wall - offset * 60_000 }))
    .filter(({ offset, at }) => offsetMinutesAt(zone, at) === offset)
    .map(({ at }) => at);
  return valid.length > 0 ? Math.min(...valid) : wall - before * 60_000;
}

/** "2026-11-23 11:04:05" on the zone's wall clock. */
export function formatInZone(epochMs: number, zone: Zone): string {
  const shifted = new Date(epochMs + offsetMinutesAt(zone, epochMs) * 60_000);
  return shifted.toISOString().slice(0, 19).replace("T", " ");
}

/** "UTC+05:30", "UTC-08:00": also the id of a fixed-offset zone, so it round-trips through parseZone. */
export function offsetLabel(minutes: number): string {
  if (minutes === 0) return "UTC";
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `UTC${minutes < 0 ? "-" : "+"}${hh}:${mm}`;
}

/** IANA zones the runtime knows, then whole- and half-hour offsets, for the zone picker. */
export function zoneChoices(): string[] {
  const iana = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const offsets: string[] = [];
  for (let minutes = -12 * 60; minutes <= 14 * 60; minutes += 30) {
    if (minutes !== 0) offsets.push(offsetLabel(minutes));
  }
  return ["UTC", ...iana.filter((id) => id !== "UTC"), ...offsets];
}

function formatterFor(id: string): Intl.DateTimeFormat | null {
  const cached = formatters.get(id);
  if (cached) return cached;
  try {
    const formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: id,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(id, formatter);
    return formatter;
  } catch {
    return null;
  }
}
