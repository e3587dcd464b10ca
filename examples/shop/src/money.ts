/** "$1,234.56" for display. en-US is pinned so the output never depends on the runtime's default locale. */
const USD = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

export function formatUsd(cents: number): string {
  return USD.format(cents / 100);
}

/**
 * "1234.56" for JSON. A decimal string, not a number, so "12500.00" keeps its cents and no client parses a
 * float it then rounds differently.
 */
export function decimalAmount(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** Applies a percentage change, rounding half away from zero to whole cents. */
export function adjustCents(cents: number, percent: number): number {
  return Math.round((cents * (100 + percent)) / 100);
}
