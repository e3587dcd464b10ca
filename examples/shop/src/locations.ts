/** States the demo prices differently; every other ZIP falls into OTHER. */
export const STATES = {
  NY: "New York",
  CA: "California",
  TX: "Texas",
  FL: "Florida",
  IL: "Illinois",
  OTHER: "your state",
} as const;

export type StateCode = keyof typeof STATES;

/** First three ZIP digits by state (USPS sectional centres), enough to tell the demo customers apart. */
const ZIP_PREFIXES: readonly { from: number; to: number; state: StateCode }[] = [
  { from: 100, to: 149, state: "NY" },
  { from: 900, to: 961, state: "CA" },
  { from: 733, to: 733, state: "TX" },
  { from: 750, to: 799, state: "TX" },
  { from: 320, to: 349, state: "FL" },
  { from: 600, to: 629, state: "IL" },
];

/** Anonymous visitors without `?zip=` are priced as if in Manhattan. */
export const DEFAULT_ZIP = "10001";

export function isZip(value: string): boolean {
  return /^\d{5}$/.test(value);
}

export function stateForZip(zip: string): StateCode {
  const prefix = Number(zip.slice(0, 3));
  return ZIP_PREFIXES.find((range) => prefix >= range.from && prefix <= range.to)?.state ?? "OTHER";
}
