/**
 * All dates are read in UTC so a page rendered in a Worker, in Vitest and on a developer laptop in another
 * time zone is byte-identical for the same instant.
 */
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

/** "2026-03-06" */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** "Friday, 6 March 2026" */
export function longDate(date: Date): string {
  return `${DAYS[date.getUTCDay()]}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

export function isWeekend(date: Date): boolean {
  const day = date.getUTCDay();
  return day === 0 || day === 6;
}
